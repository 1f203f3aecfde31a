package io.meridian.replog;

/** Topic names of one cluster: {@code <prefix>.<cluster>.stream} and {@code <prefix>.<cluster>.snapshots}. */
public record TopicLayout(String prefix, String cluster) {
  public String streamTopic() {
    return prefix + "." + cluster + ".stream";
  }

  public String snapshotTopic() {
    return prefix + "." + cluster + ".snapshots";
  }
}
