package org.arrowroot.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The options of one read, as the Python data source takes them (python/arrowroot/spark.py):
 * paths, tree, columns, partition_bytes, step_size, threads, io_stats_dir and the engine's
 * storage options. Storage options come, strongest first, from the read's options, the
 * session's {@code spark.arrowroot.s3.*} configuration and Hadoop's {@code fs.s3a.*} keys (so a
 * core-site.xml written for S3A keeps working); missing ones the executors take from their
 * environment (AWS_*). Credentials never appear in {@link #toString()}, plans or messages.
 */
final class RootOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String CONF_PREFIX = "spark.arrowroot.s3.";
  private static final Set<String> OWN = new TreeSet<>(Arrays.asList(
      "path", "paths", "tree", "columns", "partition_bytes", "step_size", "threads",
      "io_stats_dir"));
  private static final Set<String> SECRET = new TreeSet<>(Arrays.asList("key", "secret", "token"));

  final List<String> paths;
  final String tree;               // "" = the file's only tree
  final List<String> columns;      // null = not given
  final long partitionBytes;       // -1 = spark.sql.files.maxPartitionBytes
  final long batchSize;
  final long maxBatchBytes;
  final int threads;
  final String ioStatsDir;         // null = none
  private final LinkedHashMap<String, String> storage;

  /** Table properties Spark's session catalog adds (CREATE TABLE ... USING root): not ours. */
  private static final Set<String> CATALOG = new TreeSet<>(Arrays.asList(
      "provider", "owner", "comment", "collation", "external", "is_managed_location"));

  private RootOptions(Map<String, String> options, Map<String, String> inherited) {
    Map<String, String> lower = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      // A catalog table hands its OPTIONS as "option.<key>" beside its own properties.
      if (key.startsWith("option.")) key = key.substring("option.".length());
      if (CATALOG.contains(key)) continue;
      if (key.equals("location")) {
        lower.putIfAbsent("path", e.getValue());
        continue;
      }
      lower.put(key, e.getValue());
    }
    paths = parsePaths(lower);
    tree = lower.getOrDefault("tree", "");
    columns = parseColumns(lower.get("columns"));
    partitionBytes = lower.containsKey("partition_bytes")
        ? parseBytes("partition_bytes", lower.get("partition_bytes")) : -1;
    String step = lower.getOrDefault("step_size", "65536").trim();
    if (step.matches("\\d+")) {
      batchSize = Long.parseLong(step);
      maxBatchBytes = 256L << 20;
    } else {
      batchSize = 1L << 20;
      maxBatchBytes = parseBytes("step_size", step);
    }
    if (batchSize <= 0 || batchSize > Integer.MAX_VALUE) {
      throw invalid("option step_size must be 1 … " + Integer.MAX_VALUE + " entries or a size such "
          + "as '16 MB', got '" + step + "'");
    }
    threads = parseInt("threads", lower.getOrDefault("threads", "1"));
    ioStatsDir = lower.get("io_stats_dir");
    storage = new LinkedHashMap<>(inherited);
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> e : lower.entrySet()) {
      if (OWN.contains(e.getKey())) continue;
      if (Native.storageKeyKind(e.getKey()) == 0) {
        unknown.add(e.getKey());
      } else {
        storage.put(e.getKey(), e.getValue());
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid("unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " for format(\"root\"); known: " + String.join(", ", OWN) + " and the storage options "
          + "of arrowroot.open (endpoint_url, region, anon, ...)");
    }
  }

  /** The options of a read in `session` (its configuration supplies the inherited storage). */
  static RootOptions of(Map<String, String> options, SparkSession session) {
    Native.check();
    return new RootOptions(options, inheritedStorage(session));
  }

  /** Flat key, value, key, value, ... for the native calls. */
  String[] storageArray() {
    String[] out = new String[storage.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : storage.entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    return out;
  }

  /** The paths and settings, never credentials (for explain() and the Spark UI). */
  @Override
  public String toString() {
    List<String> shown = new ArrayList<>();
    for (Map.Entry<String, String> e : storage.entrySet()) {
      shown.add(e.getKey() + "=" + (SECRET.contains(e.getKey()) ? "***" : e.getValue()));
    }
    return "tree=" + (tree.isEmpty() ? "(the only one)" : tree) + ", paths=" + redactedPaths()
        + (shown.isEmpty() ? "" : ", storage=[" + String.join(", ", shown) + "]");
  }

  /** Paths without URL query strings (a signed URL's signature). */
  List<String> redactedPaths() {
    List<String> out = new ArrayList<>();
    for (String p : paths) out.add(redact(p));
    return out;
  }

  static String redact(String path) {
    int q = path.indexOf('?');
    return q < 0 || !path.contains("://") ? path : path.substring(0, q) + "?…";
  }

  static ArrowrootException invalid(String message) {
    return new ArrowrootException("InvalidArgumentError", message, false);
  }

  // ---- parsing -----------------------------------------------------------------------------

  private static List<String> parsePaths(Map<String, String> options) {
    List<String> out = new ArrayList<>();
    if (options.containsKey("paths")) {
      try {
        for (String p : new ObjectMapper().readValue(options.get("paths"), String[].class)) {
          out.add(p);
        }
      } catch (java.io.IOException e) {
        throw invalid("option paths must be a JSON list of strings: " + e.getMessage());
      }
    }
    if (options.containsKey("path") && !out.contains(options.get("path"))) {
      out.add(0, options.get("path"));
    }
    if (out.isEmpty()) {
      throw invalid("no path: use spark.read.format(\"root\").load(path) (or several paths)");
    }
    for (String p : out) {
      if (p == null || p.isEmpty()) throw invalid("paths must be non-empty strings");
    }
    return out;
  }

  private static List<String> parseColumns(String text) {
    if (text == null || text.trim().isEmpty()) return null;
    List<String> out = new ArrayList<>();
    String t = text.trim();
    if (t.startsWith("[")) {
      try {
        out.addAll(Arrays.asList(new ObjectMapper().readValue(t, String[].class)));
      } catch (java.io.IOException e) {
        throw invalid("option columns must be names separated by commas or a JSON list: "
            + e.getMessage());
      }
    } else {
      out.addAll(Arrays.asList(t.split(",")));
    }
    List<String> names = new ArrayList<>();
    for (String c : out) {
      if (!c.trim().isEmpty()) names.add(c.trim());
    }
    return names.isEmpty() ? null : names;
  }

  private static final Pattern SIZE = Pattern.compile(
      "\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?i?b?)\\s*", Pattern.CASE_INSENSITIVE);

  /** "128 MB", "1.5GiB", "65536": bytes (decimal and binary units, as the Python package). */
  static long parseBytes(String option, String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw invalid("option " + option + " must be a size such as '128 MB', got '" + text + "'");
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    double base = unit.contains("i") ? 1024 : 1000;
    int power = unit.isEmpty() || unit.equals("b") ? 0 : "kmgt".indexOf(unit.charAt(0)) + 1;
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(base, power);
    if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
      throw invalid("option " + option + " is out of range: '" + text + "'");
    }
    return (long) bytes;
  }

  private static int parseInt(String option, String text) {
    try {
      int v = Integer.parseInt(text.trim());
      if (v >= 0) return v;
    } catch (NumberFormatException e) {
      // below
    }
    throw invalid("option " + option + " must be a whole number >= 0, got '" + text + "'");
  }

  // ---- storage from the session's configuration ---------------------------------------------

  private static Map<String, String> inheritedStorage(SparkSession session) {
    Map<String, String> out = new LinkedHashMap<>();
    if (session == null) return out;
    Configuration hadoop = session.sparkContext().hadoopConfiguration();
    String endpoint = hadoop.getTrimmed("fs.s3a.endpoint");
    if (endpoint != null && !endpoint.isEmpty()) {
      if (!endpoint.contains("://")) {
        endpoint = (hadoop.getBoolean("fs.s3a.connection.ssl.enabled", true) ? "https://" : "http://")
            + endpoint;
      }
      out.put("endpoint_url", endpoint);
    }
    putIfSet(out, "region", hadoop.getTrimmed("fs.s3a.endpoint.region"));
    putIfSet(out, "key", hadoop.getTrimmed("fs.s3a.access.key"));
    putIfSet(out, "secret", hadoop.getTrimmed("fs.s3a.secret.key"));
    putIfSet(out, "token", hadoop.getTrimmed("fs.s3a.session.token"));
    if (hadoop.getBoolean("fs.s3a.path.style.access", false)) out.put("addressing", "path");
    String provider = hadoop.getTrimmed("fs.s3a.aws.credentials.provider", "");
    if (provider.endsWith("AnonymousAWSCredentialsProvider")) out.put("anon", "true");
    for (Tuple2<String, String> kv : session.sparkContext().getConf().getAll()) {
      if (!kv._1().startsWith(CONF_PREFIX)) continue;
      String key = kv._1().substring(CONF_PREFIX.length());
      if (Native.storageKeyKind(key) == 0) {
        throw invalid("unknown configuration " + kv._1() + " (a storage option of arrowroot.open "
            + "is expected after " + CONF_PREFIX + ")");
      }
      out.put(key, kv._2());
    }
    return out;
  }

  private static void putIfSet(Map<String, String> out, String key, String value) {
    if (value != null && !value.isEmpty()) out.put(key, value);
  }
}
