package org.arrowroot.spark;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Sent to the executors: what every task reads and how (options, columns; no plan state). */
final class RootReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;
  final RootOptions options;
  final String[] columns;
  final String[][] fields;
  final boolean entriesOnly;

  RootReaderFactory(RootOptions options, List<String> columns, String[][] fields,
                    boolean entriesOnly) {
    this.options = options;
    this.columns = columns.toArray(new String[0]);
    this.fields = fields;
    this.entriesOnly = entriesOnly;
  }

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return true;
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    return new RootColumnarReader(this, (RootPartition) partition);
  }

  /** Rows for the rare plan that asks for them: the columnar batches' rows. */
  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    RootColumnarReader batches = new RootColumnarReader(this, (RootPartition) partition);
    return new PartitionReader<InternalRow>() {
      private java.util.Iterator<InternalRow> rows = java.util.Collections.emptyIterator();
      private InternalRow row;

      @Override
      public boolean next() throws java.io.IOException {
        while (!rows.hasNext()) {
          if (!batches.next()) return false;
          rows = batches.get().rowIterator();
        }
        row = rows.next();
        return true;
      }

      @Override
      public InternalRow get() {
        return row;
      }

      @Override
      public void close() throws java.io.IOException {
        batches.close();
      }
    };
  }
}
