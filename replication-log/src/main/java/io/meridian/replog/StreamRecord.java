package io.meridian.replog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One stream-topic record: a slice of the master's replication stream, bytes [start, end) in
 * repl-offset terms. Value = one format-version byte followed by the raw RESP bytes. When
 * {@code more} is set the slice is a continuation fragment of a command that goes on in the next
 * record (applied only when whole). See docs/record-format.md.
 */
public record StreamRecord(String replid, long start, long end, int db, long epoch, boolean more, byte[] payload) {
  public static final byte FORMAT_VERSION = 1;
  public static final String H_VERSION = "mrd.v";
  public static final String H_REPLID = "mrd.replid";
  public static final String H_START = "mrd.start";
  public static final String H_END = "mrd.end";
  public static final String H_DB = "mrd.db";
  public static final String H_EPOCH = "mrd.epoch";
  public static final String H_MORE = "mrd.more";

  public StreamRecord {
    if (end - start != payload.length) {
      throw new IllegalArgumentException("end - start != payload length");
    }
  }

  public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
    byte[] value = new byte[payload.length + 1];
    value[0] = FORMAT_VERSION;
    System.arraycopy(payload, 0, value, 1, payload.length);
    Headers h = new RecordHeaders();
    h.add(H_VERSION, ascii(Byte.toString(FORMAT_VERSION)));
    h.add(H_REPLID, ascii(replid));
    h.add(H_START, ascii(Long.toString(start)));
    h.add(H_END, ascii(Long.toString(end)));
    h.add(H_DB, ascii(Integer.toString(db)));
    h.add(H_EPOCH, ascii(Long.toString(epoch)));
    h.add(H_MORE, ascii(more ? "1" : "0"));
    return new ProducerRecord<byte[], byte[]>(topic, 0, (byte[]) null, value, (Iterable<Header>) h);
  }

  public static StreamRecord from(ConsumerRecord<byte[], byte[]> r) {
    byte[] v = r.value();
    if (v == null || v.length == 0) {
      throw new RecordFormatException("empty stream record at kafka offset " + r.offset());
    }
    if (v[0] != FORMAT_VERSION) {
      throw new RecordFormatException("unsupported stream record format version " + v[0] + " at kafka offset "
          + r.offset() + " (this reader knows " + FORMAT_VERSION + ")");
    }
    Headers h = r.headers();
    try {
      return new StreamRecord(header(h, H_REPLID), Long.parseLong(header(h, H_START)),
          Long.parseLong(header(h, H_END)), Integer.parseInt(header(h, H_DB)), Long.parseLong(header(h, H_EPOCH)),
          "1".equals(header(h, H_MORE)), Arrays.copyOfRange(v, 1, v.length));
    } catch (IllegalArgumentException e) {
      throw new RecordFormatException("bad stream record at kafka offset " + r.offset() + ": " + e.getMessage());
    }
  }

  /**
   * Cuts one whole command (or a run of whole commands) into records of at most {@code maxPayload}
   * bytes each; all but the last carry {@code more}.
   */
  public static List<StreamRecord> split(String replid, long start, int db, long epoch, byte[] bytes, int maxPayload) {
    List<StreamRecord> out = new ArrayList<>();
    int pos = 0;
    do {
      int n = Math.min(maxPayload, bytes.length - pos);
      boolean more = pos + n < bytes.length;
      out.add(new StreamRecord(replid, start + pos, start + pos + n, db, epoch, more,
          Arrays.copyOfRange(bytes, pos, pos + n)));
      pos += n;
    } while (pos < bytes.length);
    return out;
  }

  static String header(Headers h, String name) {
    Header x = h.lastHeader(name);
    if (x == null) {
      throw new RecordFormatException("missing header " + name);
    }
    return new String(x.value(), StandardCharsets.US_ASCII);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
