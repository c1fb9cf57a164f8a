package org.arrowroot.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Planning on the driver, from metadata only: globs expanded, every file described (in
 * parallel: a request or two each on remote storage), schemas compared, and partitions cut at
 * cluster boundaries into ~partition_bytes of decoded data of the selected columns, small
 * files packed together.
 */
final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

  private Planner() {}

  /** A described file with its Spark schema. */
  static final class Described {
    final FileInfo info;
    final StructType schema;

    Described(FileInfo info, StructType schema) {
      this.info = info;
      this.schema = schema;
    }
  }

  /** s3a:// and s3n:// (Hadoop's spellings) read as s3://; file: URIs as the local path. */
  static String normalize(String path) {
    if (path.startsWith("s3a://") || path.startsWith("s3n://")) return "s3://" + path.substring(6);
    if (path.startsWith("file:")) {
      // file:/abs (Spark's and Hadoop's spelling, a catalog table's location) and file:///abs,
      // percent-encoded as URIs are.
      try {
        String local = new java.net.URI(path).getPath();
        if (local != null && !local.isEmpty()) return local;
      } catch (java.net.URISyntaxException e) {
        // not a URI: the text after the scheme, as written
      }
      String rest = path.substring("file:".length());
      return rest.startsWith("//") ? rest.substring(2) : rest;
    }
    return path;
  }

  static List<String> expand(List<String> patterns, RootOptions options) {
    List<String> out = new ArrayList<>();
    for (String p : patterns) {
      try {
        out.addAll(Arrays.asList(Native.glob(normalize(p), options.storageArray())));
      } catch (ArrowrootException e) {
        if (!e.kind().equals("NotFoundError")) throw e;
        throw new ArrowrootException("NotFoundError", "no file matches '" + RootOptions.redact(p)
            + "'", false);
      }
    }
    return out;
  }

  static Described describe(String path, RootOptions options, List<String> columns) {
    return describe(path, options, columns, new String[0][]);
  }

  /** A file's tree for the columns (null/empty = all) and the nested fields kept of them. */
  static Described describe(String path, RootOptions options, List<String> columns,
                            String[][] fields) {
    BufferAllocator allocator = ArrowUtils.rootAllocator();
    try (ArrowSchema c = ArrowSchema.allocateNew(allocator)) {
      FileInfo info = Native.describe(path, options.tree,
          columns == null ? new String[0] : columns.toArray(new String[0]), fields,
          options.storageArray(), c.memoryAddress());
      info.path = path;
      Field field = Data.importField(allocator, c, null);
      return new Described(info, SparkTypes.schema(field));
    }
  }

  static void warnLeftOut(Described d) {
    if (d.info.leftOut.length > 0) {
      LOG.warn("arrowroot: columns without a Spark type left out of '{}': {}",
          RootOptions.redact(d.info.path), String.join(", ", d.info.leftOut));
    }
  }

  /** Describe every file for `columns`, many at once; all must agree with `expected`. */
  static List<Described> describeAll(List<String> paths, RootOptions options, List<String> columns,
                                     String[][] fields, StructType expected, String firstPath) {
    int threads = Math.max(1, Math.min(16, paths.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "arrowroot-plan");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Described>> futures = new ArrayList<>();
      for (String p : paths) futures.add(pool.submit(() -> describe(p, options, columns, fields)));
      List<Described> out = new ArrayList<>();
      for (int i = 0; i < paths.size(); ++i) {
        Described d;
        try {
          d = futures.get(i).get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof ArrowrootException && !paths.get(i).equals(firstPath)
              && ((ArrowrootException) cause).kind().equals("NotFoundError")
              && cause.getMessage().contains("no branch")) {
            throw new ArrowrootException("InvalidArgumentError", "files disagree: "
                + cause.getMessage().replaceFirst("^arrowroot\\.\\w+: ", "") + " (the schema comes "
                + "from '" + RootOptions.redact(firstPath) + "'); select common branches with "
                + "option('columns', ...)", false);
          }
          if (cause instanceof RuntimeException) throw (RuntimeException) cause;
          throw new RuntimeException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RuntimeException(e);
        }
        if (expected != null && !d.schema.equals(expected)) {
          throw new ArrowrootException("InvalidArgumentError", "files disagree: '"
              + RootOptions.redact(paths.get(i)) + "' has columns " + d.schema.simpleString()
              + " but '" + RootOptions.redact(firstPath) + "' has " + expected.simpleString()
              + "; select common branches with option('columns', ...)", false);
        }
        out.add(d);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Consecutive clusters packed into ~targetBytes; small files (and tails) grouped. */
  static List<RootPartition> partitions(List<Described> files, long targetBytes) {
    List<RootPartition> out = new ArrayList<>();
    List<RootPartition.Piece> current = new ArrayList<>();
    double currentBytes = 0;
    for (Described d : files) {
      FileInfo f = d.info;
      if (f.numEntries <= 0) continue;
      double perEntry = Math.max(f.bytesPerEntry, 1e-9);
      long start = 0;
      long[] bounds = f.clusters.length > 0 ? f.clusters : new long[] {0, f.numEntries};
      for (long stop : bounds) {
        if (stop <= start || stop > f.numEntries) continue;
        if (currentBytes + (stop - start) * perEntry >= targetBytes) {
          current.add(new RootPartition.Piece(f.path, f.tree, start, stop));
          out.add(new RootPartition(current));
          current = new ArrayList<>();
          currentBytes = 0;
          start = stop;
        }
      }
      if (start < f.numEntries) {
        current.add(new RootPartition.Piece(f.path, f.tree, start, f.numEntries));
        currentBytes += (f.numEntries - start) * perEntry;
      }
    }
    if (!current.isEmpty()) out.add(new RootPartition(current));
    if (out.isEmpty()) out.add(new RootPartition(new ArrayList<>()));
    return out;
  }
}
