package org.arrowroot.spark;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.CDataDictionaryProvider;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One task's read: its pieces one after the other, each a native scan whose batches are
 * imported into Arrow vectors (the engine's buffers, not copies) and handed to Spark as
 * ArrowColumnVectors. A batch stays valid until the next call of next(), as Spark expects.
 */
final class RootColumnarReader implements PartitionReader<ColumnarBatch> {
  private final RootReaderFactory factory;
  private final List<RootPartition.Piece> pieces;
  private final BufferAllocator allocator;
  private int nextPiece = 0;
  private RootPartition.Piece piece;
  private long handle = 0;
  private Field field;        // the batches' type: a struct of the columns
  private StructVector root;  // the current batch
  private CDataDictionaryProvider dictionaries;
  private long entriesLeft;  // entries-only reads (no column selected)
  private ColumnarBatch batch;

  RootColumnarReader(RootReaderFactory factory, RootPartition partition) {
    Native.check();
    this.factory = factory;
    this.pieces = partition.pieces;
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator("arrowroot-task", 0,
        Long.MAX_VALUE);
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      if (piece == null) {
        if (nextPiece >= pieces.size()) return false;
        open(pieces.get(nextPiece++));
      }
      if (factory.entriesOnly) {
        if (entriesLeft > 0) {
          int n = (int) Math.min(entriesLeft, factory.options.batchSize);
          entriesLeft -= n;
          batch = new ColumnarBatch(new ColumnVector[0], n);
          return true;
        }
      } else if (readBatch()) {
        return true;
      }
      finishPiece();
    }
  }

  private void open(RootPartition.Piece p) {
    piece = p;
    if (factory.entriesOnly) {
      entriesLeft = p.stop - p.start;
      return;
    }
    RootOptions o = factory.options;
    handle = Native.open(p.path, p.tree, factory.columns, factory.fields, p.start, p.stop,
        o.batchSize, o.maxBatchBytes, o.threads, o.storageArray());
    dictionaries = new CDataDictionaryProvider();
    try (ArrowSchema c = ArrowSchema.allocateNew(allocator)) {
      Native.schema(handle, c.memoryAddress());
      field = Data.importField(allocator, c, dictionaries);
    }
  }

  private boolean readBatch() {
    try (ArrowArray c = ArrowArray.allocateNew(allocator)) {
      if (!Native.next(handle, c.memoryAddress())) return false;
      // The engine's buffers themselves, no copy, in fresh vectors: Spark may close the
      // previous batch's vectors (closing a struct vector drops its children).
      if (root != null) root.close();
      root = (StructVector) field.createVector(allocator);
      Data.importIntoVector(allocator, c, root, dictionaries);
    }
    java.util.List<FieldVector> vectors = root.getChildrenFromFields();
    ColumnVector[] columns = new ColumnVector[vectors.size()];
    for (int i = 0; i < columns.length; ++i) {
      columns[i] = new ArrowColumnVector(vectors.get(i));
    }
    batch = new ColumnarBatch(columns, root.getValueCount());
    return true;
  }

  private void finishPiece() throws IOException {
    if (handle != 0 && factory.options.ioStatsDir != null) writeStats();
    closePiece();
  }

  private void closePiece() {
    if (root != null) {
      root.close();
      root = null;
    }
    if (dictionaries != null) {
      dictionaries.close();
      dictionaries = null;
    }
    if (handle != 0) {
      Native.close(handle);
      handle = 0;
    }
    piece = null;
  }

  /** One JSON line per piece, as the Python source writes it (what pruning fetched). */
  private void writeStats() throws IOException {
    long[] s = Native.stats(handle);
    Path dir = Paths.get(factory.options.ioStatsDir);
    Files.createDirectories(dir);
    String json = String.format(java.util.Locale.ROOT,
        "{\"path\": %s, \"tree\": %s, \"entry_start\": %d, \"entry_stop\": %d, "
            + "\"entries_read\": %d, \"num_requests\": %d, \"num_bytes_requested\": %d, "
            + "\"num_bytes_received\": %d, \"num_retries\": %d, \"num_full_downloads\": %d, "
            + "\"io_wall_seconds\": %.6f, \"source\": \"jvm\"}\n",
        quote(RootOptions.redact(piece.path)), quote(piece.tree), piece.start, piece.stop, s[0],
        s[1], s[2], s[3], s[4], s[5], s[6] / 1e6);
    // The process id tells which JVM (executor) read the piece, as the Python source's names do.
    Path file = dir.resolve("task-" + ProcessHandle.current().pid() + "-jvm-" + UUID.randomUUID()
        + ".jsonl");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(json);
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') b.append('\\').append(ch);
      else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    return b.append('"').toString();
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  @Override
  public void close() {
    closePiece();
    allocator.close();
  }
}
