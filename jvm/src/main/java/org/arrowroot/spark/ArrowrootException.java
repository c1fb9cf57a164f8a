package org.arrowroot.spark;

/**
 * An error of the arrowroot engine, as Spark shows it. The message's first line is the engine's
 * one-line message with the Python package's class name in front, e.g. {@code
 * arrowroot.NotFoundError: 'run1.root': no tree 'Event' (trees: Events)}, so a message reads the
 * same from Python, the CLI and Spark. It names the file (never its credentials), the tree, the
 * branch, the basket and the byte range.
 */
public class ArrowrootException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String kind;
  private final boolean retryable;

  /** Called by the native library: kind is the Python class name ("NotFoundError", ...). */
  public ArrowrootException(String kind, String message, boolean retryable) {
    super("arrowroot." + kind + ": " + message);
    this.kind = kind;
    this.retryable = retryable;
  }

  /** "NotFoundError", "CorruptionError", "UnsupportedError", "InvalidArgumentError", ... */
  public String kind() {
    return kind;
  }

  /** True when trying again may help (a network failure). */
  public boolean retryable() {
    return retryable;
  }
}
