package io.meridian.node.rdb;

/** RDB object types and opcodes (rdb.h), as written by Redis 7.0 and read up to RDB 12. */
public final class RdbType {
    private RdbType() {}

    /** The version Redis 7.0 writes (and Debian's redis-check-rdb 7.0 reads at most). */
    public static final int VERSION = 10;
    /** The newest version this reader accepts (Redis 7.4+). */
    public static final int MAX_READ_VERSION = 12;

    public static final int STRING = 0;
    public static final int LIST = 1;
    public static final int SET = 2;
    public static final int ZSET = 3;
    public static final int HASH = 4;
    public static final int ZSET_2 = 5;
    public static final int MODULE_PRE_GA = 6;
    public static final int MODULE_2 = 7;
    public static final int HASH_ZIPMAP = 9;
    public static final int LIST_ZIPLIST = 10;
    public static final int SET_INTSET = 11;
    public static final int ZSET_ZIPLIST = 12;
    public static final int HASH_ZIPLIST = 13;
    public static final int LIST_QUICKLIST = 14;
    public static final int STREAM_LISTPACKS = 15;
    public static final int HASH_LISTPACK = 16;
    public static final int ZSET_LISTPACK = 17;
    public static final int LIST_QUICKLIST_2 = 18;
    public static final int STREAM_LISTPACKS_2 = 19;
    public static final int SET_LISTPACK = 20;
    public static final int STREAM_LISTPACKS_3 = 21;
    public static final int HASH_METADATA_PRE_GA = 22;
    public static final int HASH_LISTPACK_EX_PRE_GA = 23;
    public static final int HASH_METADATA = 24;
    public static final int HASH_LISTPACK_EX = 25;

    public static final int OPCODE_SLOT_INFO = 244;
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    /** Quicklist v2 node containers. */
    static final int CONTAINER_PLAIN = 1;
    static final int CONTAINER_PACKED = 2;
}
