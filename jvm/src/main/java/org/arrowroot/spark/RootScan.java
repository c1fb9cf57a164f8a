package org.arrowroot.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A read of the selected columns of every file: planned once, on the driver. */
final class RootScan implements Scan, Batch, SupportsReportStatistics {
  private final RootOptions options;
  private final Planner.Described first;
  private final StructType full;
  private final StructType required;    // the columns read, as the table declares them
  private final StructType readSchema;  // what the batches hold (nested fields pruned)
  private final String[][] fields;      // nested field paths kept, {column, field, ...}
  private List<Planner.Described> files;
  private List<RootPartition> partitions;

  RootScan(RootOptions options, Planner.Described first, StructType full, StructType required,
           StructType readSchema, String[][] fields) {
    this.options = options;
    this.first = first;
    this.full = full;
    this.required = required;
    this.readSchema = readSchema;
    this.fields = fields;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    List<String> names = new ArrayList<>();
    for (StructField f : required.fields()) names.add(f.name());
    List<String> nested = new ArrayList<>();
    for (String[] path : fields) nested.add(String.join("/", path));
    return "RootScan[" + options + ", columns=" + names
        + (nested.isEmpty() ? "" : ", fields=" + nested) + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /** The engine's column names to read; empty = every column (nothing pruned or left out). */
  private List<String> columns() {
    List<String> out = new ArrayList<>();
    for (StructField f : required.fields()) out.add(f.name());
    boolean all = required.equals(full) && first.info.columns.length == 0 && fields.length == 0;
    return all ? new ArrayList<>() : out;
  }

  private synchronized void plan() {
    if (partitions != null) return;
    List<String> paths = Planner.expand(options.paths, options);
    List<String> cols = columns();
    if (required.fields().length == 0) {
      // count(*): entries only, no column is read; the files must still agree on the table's
      // columns (as a read of every column would check).
      List<String> all = new ArrayList<>();
      for (StructField f : full.fields()) all.add(f.name());
      files = Planner.describeAll(paths, options, all, new String[0][], full, first.info.path);
    } else {
      files = Planner.describeAll(paths, options, cols, fields, readSchema, first.info.path);
    }
    partitions = Planner.partitions(files, targetBytes());
  }

  /**
   * Bytes per partition: option partition_bytes, else as Spark sizes file splits
   * (FilePartition.maxSplitBytes): spark.sql.files.maxPartitionBytes, made smaller when the
   * whole read would not give every core a partition, but not below openCostInBytes.
   */
  private long targetBytes() {
    if (options.partitionBytes > 0) return options.partitionBytes;
    SparkSession session = SparkSession.active();
    org.apache.spark.sql.internal.SQLConf conf = session.sessionState().conf();
    double total = 0;
    for (Planner.Described d : files) total += d.info.numEntries * d.info.bytesPerEntry;
    int parallelism = session.sparkContext().defaultParallelism();
    scala.Option<Object> minPartitions = conf.filesMinPartitionNum();
    if (minPartitions.isDefined()) parallelism = (Integer) minPartitions.get();
    long perCore = (long) (total / Math.max(1, parallelism));
    return Math.min(conf.filesMaxPartitionBytes(), Math.max(conf.filesOpenCostInBytes(), perCore));
  }

  @Override
  public InputPartition[] planInputPartitions() {
    plan();
    return partitions.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new RootReaderFactory(options, columns(), fields, required.fields().length == 0);
  }

  @Override
  public Statistics estimateStatistics() {
    plan();
    long rows = 0;
    double bytes = 0;
    for (Planner.Described d : files) {
      rows += d.info.numEntries;
      bytes += d.info.numEntries * d.info.bytesPerEntry;
    }
    final long numRows = rows;
    final long sizeInBytes = (long) Math.min(bytes, (double) Long.MAX_VALUE);
    return new Statistics() {
      @Override
      public OptionalLong sizeInBytes() {
        return OptionalLong.of(sizeInBytes);
      }

      @Override
      public OptionalLong numRows() {
        return OptionalLong.of(numRows);
      }
    };
  }
}
