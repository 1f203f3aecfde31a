package io.meridian.node.keyspace;

/** The five data types and the names TYPE and SCAN TYPE use. */
public enum ValueType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash");

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }

    public static ValueType of(Object v) {
        if (v instanceof byte[] || v instanceof AppendableString) return STRING;
        if (v instanceof ListValue) return LIST;
        if (v instanceof HashValue) return HASH;
        if (v instanceof SetValue) return SET;
        if (v instanceof ZSetValue) return ZSET;
        throw new IllegalStateException("unknown value class " + v.getClass());
    }

    public static ValueType byName(String name) {
        for (ValueType t : values()) if (t.typeName.equalsIgnoreCase(name)) return t;
        return null;
    }
}
