package org.arrowroot.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("root")}: ROOT TTrees and RNTuples as DataFrames, read by arrowroot's
 * C++ engine and handed to Spark as columnar batches (Arrow vectors imported without copying).
 *
 * <pre>
 *   spark.read.format("root").option("tree", "Events").load("s3://bucket/run2012/*.root")
 *   CREATE TEMPORARY VIEW events USING root OPTIONS (path '/data/run1.root', tree 'Events')
 * </pre>
 *
 * Options are the Python data source's (python/arrowroot/spark.py): tree, columns,
 * partition_bytes (default spark.sql.files.maxPartitionBytes), step_size, threads, io_stats_dir
 * and the storage options of arrowroot.open. Only the branches Spark asks for are read.
 */
public class RootDataSource implements TableProvider, DataSourceRegister {
  private RootTable cached;
  private Map<String, String> cachedFor;

  @Override
  public String shortName() {
    return "root";
  }

  /** "" when the native library loads in this JVM, else one line saying why not. */
  public static String nativeStatus() {
    return Native.status();
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return table(null, options.asCaseSensitiveMap()).sparkSchema();
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;  // .schema(...) picks the columns, as option("columns", ...) does
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return table(schema, properties);
  }

  private synchronized RootTable table(StructType userSchema, Map<String, String> properties) {
    // Spark asks for the schema, then for the table with it: describe the first file once.
    if (cached != null && properties.equals(cachedFor)
        && (userSchema == null || userSchema.equals(cached.sparkSchema()))) {
      return cached;
    }
    RootOptions options = RootOptions.of(properties, SparkSession.active());
    cached = new RootTable(options, userSchema);
    cachedFor = properties;
    return cached;
  }
}
