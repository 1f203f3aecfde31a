package io.meridian.replog;

/** A record that this reader cannot decode (unknown version, missing header). */
public class RecordFormatException extends RuntimeException {
  public RecordFormatException(String message) {
    super(message);
  }
}
