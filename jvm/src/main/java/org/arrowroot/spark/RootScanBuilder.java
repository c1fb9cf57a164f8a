package org.arrowroot.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Column pruning, nested fields included: only the branches (TTree) or fields (RNTuple) a query
 * uses are read. A struct column (a TTree branch group, an RNTuple record, also as the items of
 * a list) of which Spark needs some fields becomes engine field paths {column, field, ...};
 * the scan's schema is then the engine's pruned one. Maps are read whole.
 */
final class RootScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final RootOptions options;
  private final Planner.Described first;
  private final StructType full;
  private StructType required;
  private final List<String[]> fields = new ArrayList<>();

  RootScanBuilder(RootOptions options, Planner.Described first, StructType full) {
    this.options = options;
    this.first = first;
    this.full = full;
    this.required = full;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    StructType out = new StructType();
    fields.clear();
    for (StructField f : requiredSchema.fields()) {
      for (StructField declared : full.fields()) {
        if (!declared.name().equals(f.name())) continue;
        out = out.add(declared);
        if (!declared.dataType().equals(f.dataType())) {
          List<String> head = new ArrayList<>();
          head.add(declared.name());
          List<String[]> paths = new ArrayList<>();
          if (narrow(head, declared.dataType(), f.dataType(), paths)) fields.addAll(paths);
        }
      }
    }
    required = out;
  }

  /**
   * The paths of the fields `want` keeps of `have` (structs, through arrays), appended to
   * `out`; false when `want` is not a narrowing the engine can read (then the whole column).
   */
  private static boolean narrow(List<String> prefix, DataType have, DataType want,
                                List<String[]> out) {
    if (have instanceof ArrayType && want instanceof ArrayType) {
      return narrow(prefix, ((ArrayType) have).elementType(), ((ArrayType) want).elementType(), out);
    }
    if (!(have instanceof StructType) || !(want instanceof StructType)) return false;
    StructType h = (StructType) have;
    List<String[]> mine = new ArrayList<>();
    for (StructField w : ((StructType) want).fields()) {
      StructField match = null;
      for (StructField candidate : h.fields()) {
        if (candidate.name().equals(w.name())) match = candidate;
      }
      if (match == null) return false;
      List<String> path = new ArrayList<>(prefix);
      path.add(w.name());
      if (match.dataType().equals(w.dataType()) || !narrow(path, match.dataType(), w.dataType(), mine)) {
        mine.add(path.toArray(new String[0]));  // the field whole
      }
    }
    out.addAll(mine);
    return true;
  }

  @Override
  public Scan build() {
    String[][] paths = fields.toArray(new String[0][]);
    StructType readSchema = required;
    if (paths.length > 0) {
      // The pruned types as the engine reads them (fields in the column's own order).
      List<String> columns = new ArrayList<>();
      for (StructField f : required.fields()) columns.add(f.name());
      readSchema = Planner.describe(first.info.path, options, columns, paths).schema;
    }
    return new RootScan(options, first, full, required, readSchema, paths);
  }
}
