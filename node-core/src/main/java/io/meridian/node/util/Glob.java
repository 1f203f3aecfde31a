package io.meridian.node.util;

/** Redis's stringmatchlen: glob-style matching with * ? [...] [^...] ranges and backslash escapes. */
public final class Glob {
    private Glob() {}

    public static boolean match(byte[] pattern, byte[] string, boolean nocase) {
        return match(pattern, 0, string, 0, nocase, 0);
    }

    public static boolean match(String pattern, String string) {
        return match(Bytes.utf8(pattern), Bytes.utf8(string), false);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
        if (depth > 1000) return false;
        int plen = p.length, slen = s.length;
        while (pi < plen && si <= slen) {
            switch (p[pi]) {
                case '*':
                    while (pi + 1 < plen && p[pi + 1] == '*') pi++;
                    if (pi + 1 == plen) return true;
                    while (si <= slen) {
                        if (match(p, pi + 1, s, si, nocase, depth + 1)) return true;
                        si++;
                    }
                    return false;
                case '?':
                    if (si == slen) return false;
                    si++;
                    break;
                case '[': {
                    if (si == slen) return false;
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) pi++;
                    boolean matched = false;
                    while (true) {
                        if (pi >= plen) {
                            pi--;
                            break;
                        }
                        if (p[pi] == '\\' && pi + 1 < plen) {
                            pi++;
                            if (p[pi] == s[si]) matched = true;
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < plen && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff, end = p[pi + 2] & 0xff, c = s[si] & 0xff;
                            if (start > end) {
                                int t = start; start = end; end = t;
                            }
                            if (nocase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                c = Character.toLowerCase(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) matched = true;
                        } else {
                            if (eq(p[pi], s[si], nocase)) matched = true;
                        }
                        pi++;
                    }
                    if (not) matched = !matched;
                    if (!matched) return false;
                    si++;
                    break;
                }
                case '\\':
                    if (pi + 1 < plen) pi++;
                    // fall through to literal
                default:
                    if (si == slen || !eq(p[pi], s[si], nocase)) return false;
                    si++;
                    break;
            }
            pi++;
            if (si == slen) {
                while (pi < plen && p[pi] == '*') pi++;
                break;
            }
        }
        return pi == plen && si == slen;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        if (a == b) return true;
        return nocase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
    }
}
