package org.arrowroot.spark;

import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The trees of the given files, as one table (their schema is the first file's). */
final class RootTable implements SupportsRead {
  private final RootOptions options;
  private final Planner.Described first;
  private final StructType schema;

  RootTable(RootOptions options, StructType userSchema) {
    this.options = options;
    java.util.List<String> columns = options.columns;
    if (userSchema != null) {
      columns = new java.util.ArrayList<>();
      for (String name : userSchema.fieldNames()) columns.add(name);
    }
    String firstPath = Planner.expand(options.paths.subList(0, 1), options).get(0);
    this.first = Planner.describe(firstPath, options, columns);
    this.schema = first.schema;
    Planner.warnLeftOut(first);
  }

  @Override
  public String name() {
    return "root " + options.redactedPaths();
  }

  @Override
  @SuppressWarnings("deprecation")  // Spark still derives columns() from it by default
  public StructType schema() {
    return schema;
  }

  StructType sparkSchema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
    return new RootScanBuilder(options, first, schema);
  }
}
