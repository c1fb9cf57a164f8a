package org.arrowroot.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * The native library (libarrowroot_jni.so: the C++ engine and its JNI layer, jvm/native/).
 * It travels inside this jar and is extracted to a temporary file when first used; the system
 * property {@code arrowroot.jni.library} or the environment variable {@code
 * ARROWROOT_JNI_LIBRARY} names another copy. Calls are coarse: one per file described, per
 * scan opened and per batch; schemas and batches cross through the Arrow C Data Interface.
 */
final class Native {
  static final String RESOURCE = "/org/arrowroot/spark/native/linux-x86_64/libarrowroot_jni.so";
  private static final String LOAD_ERROR = load();

  private Native() {}

  private static String load() {
    try {
      String override = System.getProperty("arrowroot.jni.library");
      if (override == null || override.isEmpty()) override = System.getenv("ARROWROOT_JNI_LIBRARY");
      if (override != null && !override.isEmpty()) {
        System.load(new File(override).getAbsolutePath());
        return "";
      }
      String os = System.getProperty("os.name", "").toLowerCase();
      String arch = System.getProperty("os.arch", "");
      if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
        return "arrowroot's native library is built for linux-x86_64; this JVM runs on " + os + "-"
            + arch;
      }
      try (InputStream in = Native.class.getResourceAsStream(RESOURCE)) {
        if (in == null) return "the jar has no native library at " + RESOURCE;
        File lib = File.createTempFile("libarrowroot_jni", ".so");
        lib.deleteOnExit();
        Files.copy(in, lib.toPath(), StandardCopyOption.REPLACE_EXISTING);
        System.load(lib.getAbsolutePath());
      }
      return "";
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      return "arrowroot's native library did not load: " + e;
    }
  }

  /** "" when the native library is loaded, else why not. */
  static String status() {
    return LOAD_ERROR;
  }

  /** Throws an ArrowrootException saying why when the native library could not load. */
  static void check() {
    if (!LOAD_ERROR.isEmpty()) {
      throw new ArrowrootException("Error", LOAD_ERROR
          + "; the Python data source works without it: format(\"root_python\")", false);
    }
  }

  /** StorageOptionKind of a key: 0 = not a storage option. */
  static native int storageKeyKind(String key);

  /** Local paths or s3:// URLs matching a glob, sorted (the pattern itself without wildcards). */
  static native String[] glob(String pattern, String[] storage);

  /** Describe a file's tree for the columns (empty = all Spark can hold) and the nested fields
   * kept of them (paths {column, field, ...}); the Spark-ready Arrow schema goes to the
   * ArrowSchema at schemaAddress. */
  static native FileInfo describe(String path, String tree, String[] columns, String[][] fields,
                                  String[] storage, long schemaAddress);

  /** Open a scan of entries [start, stop) of a file's tree; returns its handle. */
  static native long open(String path, String tree, String[] columns, String[][] fields,
                          long start, long stop, long batchSize, long maxBatchBytes, int threads,
                          String[] storage);

  static native void schema(long handle, long schemaAddress);

  /** The next batch into the ArrowArray at arrayAddress; false at the end. */
  static native boolean next(long handle, long arrayAddress);

  /** {entries, requests, bytes requested, bytes received, retries, full downloads, io µs}. */
  static native long[] stats(long handle);

  static native void close(long handle);
}
