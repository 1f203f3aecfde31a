package io.meridian.replog;

/** A stream record starts after the applied offset: bytes are missing, nothing past it is applied. */
public class StreamGapException extends RuntimeException {
  public StreamGapException(String message) {
    super(message);
  }
}
