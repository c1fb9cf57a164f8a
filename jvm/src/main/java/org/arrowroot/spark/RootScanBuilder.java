package org.arrowroot.spark;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column pruning: only the branches of the columns Spark needs are read. */
final class RootScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final RootOptions options;
  private final Planner.Described first;
  private final StructType full;
  private StructType required;

  RootScanBuilder(RootOptions options, Planner.Described first, StructType full) {
    this.options = options;
    this.first = first;
    this.full = full;
    this.required = full;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    // Top-level columns as the table declares them (a struct column is read whole: its Spark
    // type stays the table's, and Spark projects the fields it needs).
    StructType out = new StructType();
    for (StructField f : requiredSchema.fields()) {
      for (StructField declared : full.fields()) {
        if (declared.name().equals(f.name())) out = out.add(declared);
      }
    }
    required = out;
  }

  @Override
  public Scan build() {
    return new RootScan(options, first, full, required);
  }
}
