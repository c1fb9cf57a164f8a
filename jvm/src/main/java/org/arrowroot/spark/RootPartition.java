package org.arrowroot.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/** Entry ranges of one or more files' trees, read one after the other by one task. */
final class RootPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  static final class Piece implements Serializable {
    private static final long serialVersionUID = 1L;
    final String path;
    final String tree;
    final long start;
    final long stop;

    Piece(String path, String tree, long start, long stop) {
      this.path = path;
      this.tree = tree;
      this.start = start;
      this.stop = stop;
    }
  }

  final List<Piece> pieces;

  RootPartition(List<Piece> pieces) {
    this.pieces = pieces;
  }

  long entries() {
    long n = 0;
    for (Piece p : pieces) n += p.stop - p.start;
    return n;
  }
}
