package io.meridian.node.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A cut full-sync transfer that a Meridian replica offers to finish (Meridian's
 * {@code REPLCONF rdb-resume <token>}, sent before PSYNC): the snapshot it was receiving
 * (the replid and offset of {@code +FULLRESYNC}, the payload's size) and how many bytes of it
 * it holds, with the CRC32 of the first and the last {@link #WINDOW} bytes of those, so the
 * master resumes only from the very file it was sending (a snapshot at the same offset made
 * later has another creation time in its header, and the RDB's own checksum guards the rest).
 *
 * <p>The token is {@code <replid>:<offset>:<size>:<received>:<head crc>:<tail crc>}; Redis
 * masters answer it with an error, which the replica takes as "no resume".
 */
public record RdbResume(String replid, long offset, long size, long received, long headCrc, long tailCrc) {
    /** Bytes checked at each end of what the replica holds. */
    public static final int WINDOW = 64 * 1024;

    public String token() {
        return replid + ":" + offset + ":" + size + ":" + received + ":" + headCrc + ":" + tailCrc;
    }

    /** The token's fields, or null when it is malformed. */
    public static RdbResume parse(String token) {
        String[] f = token.split(":");
        if (f.length != 6 || f[0].length() != 40) return null;
        try {
            RdbResume r = new RdbResume(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]));
            return r.offset >= 0 && r.received > 0 && r.received < r.size ? r : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What a holder of the first {@code received} bytes of file offers (the replica side). */
    public static RdbResume of(String replid, long offset, long size, Path file, long received) throws IOException {
        long[] crc = windows(file, received);
        return new RdbResume(replid, offset, size, received, crc[0], crc[1]);
    }

    /** Whether the first {@code received} bytes of file are the ones the replica holds (the master side). */
    public boolean matches(Path file) throws IOException {
        long[] crc = windows(file, received);
        return crc[0] == headCrc && crc[1] == tailCrc;
    }

    private static long[] windows(Path file, long received) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < received) throw new IOException(file + " holds " + ch.size() + " bytes, fewer than " + received);
            return new long[] {crc(ch, 0, Math.min(WINDOW, received)), crc(ch, Math.max(0, received - WINDOW), received)};
        }
    }

    private static long crc(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        while (b.hasRemaining()) {
            if (ch.read(b, from + b.position()) < 0) throw new IOException("unexpected end of file at " + (from + b.position()));
        }
        b.flip();
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
