package org.arrowroot.spark;

import java.io.Serializable;

/** What the driver plans one file from (made by the native library's describe). */
public final class FileInfo implements Serializable {
  private static final long serialVersionUID = 1L;
  public String path;
  public final String tree;
  public final long numEntries;
  /** Decoded bytes per entry of the selected columns. */
  public final double bytesPerEntry;
  /** Entry bounds no basket of the selected columns crosses, 0 … numEntries. */
  public final long[] clusters;
  /** The columns read (empty: every column). */
  public final String[] columns;
  /** Columns left out because Spark has no type for them: "name (type): why". */
  public final String[] leftOut;

  public FileInfo(String tree, long numEntries, double bytesPerEntry, long[] clusters,
                  String[] columns, String[] leftOut) {
    this.tree = tree;
    this.numEntries = numEntries;
    this.bytesPerEntry = bytesPerEntry;
    this.clusters = clusters;
    this.columns = columns;
    this.leftOut = leftOut;
  }
}
