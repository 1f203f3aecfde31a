package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sorted-set commands against real Redis 7.0.15, replies compared byte for byte in RESP2 and
 * RESP3: options and their error texts, exclusive bounds and infinities, REV with LIMIT,
 * ties ordered by member, binary members, sets crossing the listpack limits.
 */
class SortedSetDifferentialTest {
    /** Runs commands written as space-separated words ('' is the empty string) and compares replies. */
    private static void run(ExactReplies x, String... lines) {
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i < words.length; i++) if (words[i].equals("''")) words[i] = "";
            x.check(words);
        }
    }

    private static final String[] WRONG_TYPE_AND_ARITY = {
            "SET str v",
            "ZADD str 1 a", "ZINCRBY str 1 a", "ZREM str a", "ZCARD str", "ZSCORE str a", "ZMSCORE str a b",
            "ZRANK str a", "ZREVRANK str a", "ZCOUNT str 0 1", "ZLEXCOUNT str - +", "ZRANGE str 0 -1",
            "ZRANGESTORE dst str 0 -1", "ZREVRANGE str 0 -1", "ZRANGEBYSCORE str 0 1", "ZREVRANGEBYSCORE str 1 0",
            "ZRANGEBYLEX str - +", "ZREVRANGEBYLEX str + -", "ZREMRANGEBYRANK str 0 1", "ZREMRANGEBYSCORE str 0 1",
            "ZREMRANGEBYLEX str - +", "ZUNION 1 str", "ZINTER 1 str", "ZDIFF 1 str", "ZUNIONSTORE dst 1 str",
            "ZINTERSTORE dst 1 str", "ZDIFFSTORE dst 1 str", "ZINTERCARD 1 str", "ZRANDMEMBER str", "ZRANDMEMBER str 2",
            "ZPOPMIN str", "ZPOPMAX str 2", "ZMPOP 1 str MIN", "BZPOPMIN str 0.01", "BZPOPMAX str 0.01",
            "BZMPOP 0.01 1 str MAX", "ZSCAN str 0",
            "ZADD k", "ZADD k 1", "ZINCRBY k 1", "ZREM k", "ZCARD", "ZSCORE k", "ZMSCORE k", "ZRANK k", "ZCOUNT k 1",
            "ZLEXCOUNT k -", "ZRANGE k 0", "ZRANGESTORE d k 0", "ZREMRANGEBYRANK k 0", "ZUNION 1", "ZUNIONSTORE d 1",
            "ZINTERCARD 1", "ZRANDMEMBER", "ZPOPMIN", "ZMPOP 1 k", "BZPOPMIN k", "BZMPOP 0 1 k", "ZSCAN k",
    };

    @Test
    void wrongTypeAndArity() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x, WRONG_TYPE_AND_ARITY);
            x.resp3();
            run(x, WRONG_TYPE_AND_ARITY);
            d.assertSameDigest();
        }
    }

    @Test
    void zaddOptionsAndScores() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x,
                    "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z CH 5 a 2 b 7 new", "ZRANGE z 0 -1 WITHSCORES",
                    "ZADD z NX 100 a 8 d", "ZADD z XX 100 a 9 e", "ZADD z XX CH 101 a 9 e", "ZRANGE z 0 -1 WITHSCORES",
                    "ZADD z GT 50 a", "ZADD z GT CH 500 a", "ZADD z LT 600 a", "ZADD z LT CH 1 a", "ZADD z XX GT CH 2 a 3 nope",
                    "ZADD z GT 1 brandnew", "ZADD z LT 1 brandnew2", "ZSCORE z brandnew",
                    "ZADD z INCR 10 a", "ZADD z INCR NX 10 a", "ZADD z INCR XX 10 missing", "ZADD z INCR GT -1 a",
                    "ZADD z INCR LT -1 a", "ZADD z INCR 5 fresh",
                    "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z GT NX 1 a", "ZADD z LT NX 1 a", "ZADD z INCR 1 a 2 b",
                    "ZADD z 1 a 2", "ZADD z NX", "ZADD z XX GT", "ZADD z FOO 1 a", "ZADD z 1 a FOO",
                    "ZADD z nan a", "ZADD z abc a", "ZADD z 1e400 a", "ZADD z -1e400 a", "ZADD z 1e-400 a", "ZADD z '' a",
                    "ZADD z 0x10 hex", "ZADD z 0X1P4 hex2", "ZADD z 1. dot", "ZADD z .5 dot2", "ZADD z 1e3 exp", "ZADD z +7 plus",
                    "ZADD z 4.9e-324 tiny", "ZADD z 1.7976931348623157e308 huge", "ZADD z inf pinf -inf ninf +inf pinf2",
                    "ZADD z INFINITY pinf3 -Infinity ninf2", "ZADD z 1e a", "ZADD z 1x a", "ZADD z 0x a",
                    "ZADD z 0.1 tenth 3.141592653589793 pi 1152921504606846976 big 123456789012345678 big2",
                    "ZRANGE z 0 -1 WITHSCORES",
                    "ZINCRBY z inf pinf", "ZINCRBY z -inf pinf", "ZINCRBY z 1 pinf", "ZINCRBY z abc a", "ZINCRBY z 2.5 a",
                    "ZINCRBY z 1 newmember", "ZINCRBY nokey 3 m", "ZINCRBY z 1e400 a",
                    "ZADD neg -0 a", "ZSCORE neg a", "ZADD neg 0 b -0 c", "ZRANGE neg 0 -1 WITHSCORES", "ZINCRBY neg -0 a",
                    "ZINCRBY neg -0 brand", "ZSCORE neg brand",
                    "ZADD xx XX 1 a", "EXISTS xx", "ZADD xx XX INCR 1 a", "EXISTS xx",
                    "ZCARD z", "ZCARD nokey", "ZSCORE z a", "ZSCORE z nope", "ZSCORE nokey a",
                    "ZMSCORE z a nope b", "ZMSCORE nokey a b",
                    "ZREM z a nope b", "ZREM z nope", "ZREM nokey a", "ZCARD z",
                    "ZADD one 1 a", "ZREM one a b", "EXISTS one");
            x.resp3();
            run(x, "ZADD r3 1.5 a 2 b", "ZSCORE r3 a", "ZSCORE r3 nope", "ZMSCORE r3 a nope", "ZMSCORE nokey a",
                    "ZINCRBY r3 1 a", "ZADD r3 INCR 0.25 b", "ZADD r3 INCR XX 1 nope", "ZRANGE r3 0 -1 WITHSCORES",
                    "ZADD r3 inf c", "ZSCORE r3 c", "ZSCORE nokey a");
            d.assertSameDigest();
        }
    }

    @Test
    void rangesByRankScoreAndLex() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x,
                    "ZADD z 1 a 1 b 1 c 2 d 2 e 3 f -inf ninf +inf pinf 2.5 g 0 h -0 i",
                    "ZRANGE z 0 -1", "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 2 4", "ZRANGE z -3 -1", "ZRANGE z -100 1",
                    "ZRANGE z 5 100", "ZRANGE z 100 200", "ZRANGE z 3 2", "ZRANGE z -1 -2", "ZRANGE z 0 0 REV",
                    "ZRANGE z 0 2 REV WITHSCORES", "ZREVRANGE z 0 -1 WITHSCORES", "ZREVRANGE z 1 3",
                    "ZRANGE z 0 -1 LIMIT 0 1", "ZRANGE z 0 -1 LIMIT 0 -1", "ZREVRANGE z 0 -1 LIMIT 0 1", "ZRANGE z a b",
                    "ZRANGE z 0 -1 FOO", "ZRANGE z 0 -1 WITHSCORES WITHSCORES", "ZRANGE z 0 -1 REV REV",
                    "ZRANGE z 1 2 BYSCORE", "ZRANGE z (1 2 BYSCORE", "ZRANGE z 1 (2 BYSCORE", "ZRANGE z (1 (2 BYSCORE",
                    "ZRANGE z -inf +inf BYSCORE WITHSCORES", "ZRANGE z (-inf (+inf BYSCORE", "ZRANGE z -inf -inf BYSCORE",
                    "ZRANGE z +inf +inf BYSCORE", "ZRANGE z 2 1 BYSCORE", "ZRANGE z 1 1 BYSCORE", "ZRANGE z (1 1 BYSCORE",
                    "ZRANGE z 0 0 BYSCORE", "ZRANGE z -0 0 BYSCORE WITHSCORES", "ZRANGE z '' '' BYSCORE", "ZRANGE z ( 1 BYSCORE",
                    "ZRANGE z ' 1' 2 BYSCORE", "ZRANGE z 1e400 -1e400 BYSCORE", "ZRANGE z 0x1 0x2 BYSCORE",
                    "ZRANGE z nan 1 BYSCORE", "ZRANGE z 1 abc BYSCORE", "ZRANGE z [1 2 BYSCORE", "ZRANGE z 1 2 BYSCORE REV",
                    "ZRANGE z 2 1 BYSCORE REV WITHSCORES", "ZRANGE z +inf -inf BYSCORE REV LIMIT 1 3",
                    "ZRANGE z -inf +inf BYSCORE LIMIT 2 3 WITHSCORES", "ZRANGE z -inf +inf BYSCORE LIMIT 2 -1",
                    "ZRANGE z -inf +inf BYSCORE LIMIT -1 3", "ZRANGE z -inf +inf BYSCORE LIMIT 0 0",
                    "ZRANGE z -inf +inf BYSCORE LIMIT 11 1", "ZRANGE z -inf +inf BYSCORE LIMIT 10 5",
                    "ZRANGE z -inf +inf BYSCORE LIMIT 1", "ZRANGE z -inf +inf BYSCORE LIMIT a 1", "ZRANGE z -inf +inf BYSCORE LIMIT 1 b",
                    "ZRANGE z (2 +inf BYSCORE REV LIMIT 0 2 WITHSCORES",
                    "ZRANGEBYSCORE z 1 2", "ZRANGEBYSCORE z (1 +inf WITHSCORES LIMIT 1 2", "ZRANGEBYSCORE z 1 2 REV",
                    "ZRANGEBYSCORE z 1 2 BYSCORE", "ZREVRANGEBYSCORE z 2 1", "ZREVRANGEBYSCORE z +inf (1 WITHSCORES LIMIT 0 3",
                    "ZREVRANGEBYSCORE z 1 2", "ZRANGEBYSCORE z 1 2 LIMIT 0", "ZRANGEBYSCORE nokey 1 2",
                    "ZADD lex 0 a 0 b 0 c 0 d 0 e 0 f 0 aa 0 ab 0 ''",
                    "ZRANGE lex - + BYLEX", "ZRANGE lex [b [d BYLEX", "ZRANGE lex (b (d BYLEX", "ZRANGE lex (a [b BYLEX",
                    "ZRANGE lex [a + BYLEX LIMIT 1 2", "ZRANGE lex + - BYLEX REV", "ZRANGE lex (e [aa BYLEX REV LIMIT 1 10",
                    "ZRANGE lex - + BYLEX REV LIMIT 0 3", "ZRANGE lex + - BYLEX", "ZRANGE lex - - BYLEX", "ZRANGE lex + + BYLEX",
                    "ZRANGE lex [ [ BYLEX", "ZRANGE lex ( [a BYLEX", "ZRANGE lex a b BYLEX", "ZRANGE lex -a + BYLEX",
                    "ZRANGE lex [a +b BYLEX", "ZRANGE lex '' + BYLEX", "ZRANGE lex - + BYLEX WITHSCORES",
                    "ZRANGEBYLEX lex - +", "ZRANGEBYLEX lex [c + LIMIT 1 1", "ZRANGEBYLEX lex - + WITHSCORES",
                    "ZREVRANGEBYLEX lex + -", "ZREVRANGEBYLEX lex [d (a LIMIT 0 2", "ZREVRANGEBYLEX lex - +",
                    "ZRANGEBYLEX lex - + BYLEX", "ZRANGEBYLEX nokey - +",
                    "ZADD mixed 3 a 1 b 2 c 0 d 5 e 4 f", "ZRANGE mixed [b [e BYLEX", "ZRANGE mixed [b [e BYLEX REV",
                    "ZRANGE mixed (a + BYLEX LIMIT 1 2", "ZLEXCOUNT mixed [b [e", "ZLEXCOUNT mixed - +",
                    "ZREMRANGEBYLEX mixed [c [f", "ZRANGE mixed 0 -1",
                    "ZCOUNT z -inf +inf", "ZCOUNT z (1 2", "ZCOUNT z 1 (2", "ZCOUNT z 2 1", "ZCOUNT z (1 (1", "ZCOUNT z 5 10",
                    "ZCOUNT z abc 1", "ZCOUNT nokey 0 1", "ZCOUNT z -0 0",
                    "ZLEXCOUNT lex - +", "ZLEXCOUNT lex [b (e", "ZLEXCOUNT lex + -", "ZLEXCOUNT lex a b", "ZLEXCOUNT nokey - +",
                    "ZRANK z a", "ZRANK z c", "ZRANK z pinf", "ZRANK z nope", "ZRANK nokey a", "ZREVRANK z a", "ZREVRANK z ninf",
                    "ZREVRANK z nope");
            x.resp3();
            run(x, "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 0 2", "ZRANGE z 0 -1 BYSCORE WITHSCORES LIMIT 1 2",
                    "ZREVRANGE z 0 1 WITHSCORES", "ZRANGEBYSCORE z -inf +inf WITHSCORES", "ZRANGE nokey 0 -1",
                    "ZRANGE lex - + BYLEX", "ZRANK z nope", "ZRANK nokey a", "ZRANGE z 5 1");
            d.assertSameDigest();
        }
    }

    @Test
    void storeAndRemoveRanges() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x,
                    "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
                    "ZRANGESTORE dst z 0 2", "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst z (2 5 BYSCORE REV LIMIT 1 2",
                    "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst z [b [d BYLEX", "ZRANGE dst 0 -1 WITHSCORES",
                    "ZRANGESTORE dst z 10 20", "EXISTS dst", "ZRANGESTORE dst z 0 -1", "ZRANGESTORE dst nokey 0 -1", "EXISTS dst",
                    "SET str v", "ZRANGESTORE str z 0 1", "TYPE str", "ZRANGESTORE dst z 0 -1 WITHSCORES",
                    "ZRANGESTORE dst z 0 -1 LIMIT 0 1", "ZRANGESTORE dst z a b", "ZRANGESTORE dst z 0 -1 BYLEX",
                    "ZRANGESTORE z z 1 2", "ZRANGE z 0 -1 WITHSCORES",
                    "ZADD r 1 a 2 b 3 c 4 d 5 e 6 f 7 g",
                    "ZREMRANGEBYRANK r 10 20", "ZREMRANGEBYRANK r 3 2", "ZREMRANGEBYRANK r -2 -1", "ZRANGE r 0 -1",
                    "ZREMRANGEBYRANK r 0 0", "ZREMRANGEBYRANK r a 1", "ZREMRANGEBYRANK r 1 b", "ZREMRANGEBYRANK nokey 0 1",
                    "ZREMRANGEBYSCORE r (3 5", "ZRANGE r 0 -1 WITHSCORES", "ZREMRANGEBYSCORE r 10 20", "ZREMRANGEBYSCORE r abc 1",
                    "ZREMRANGEBYSCORE r 5 3", "ZADD lx 0 a 0 b 0 c 0 d", "ZREMRANGEBYLEX lx (a [c", "ZRANGE lx 0 -1",
                    "ZREMRANGEBYLEX lx a b", "ZREMRANGEBYLEX lx [x +", "ZREMRANGEBYLEX lx - +", "EXISTS lx",
                    "ZREMRANGEBYRANK r 0 -1", "EXISTS r", "ZREMRANGEBYSCORE nokey 0 1", "ZREMRANGEBYLEX nokey - +");
            x.resp3();
            run(x, "ZADD z3 1 a 2 b", "ZRANGESTORE d3 z3 0 -1", "ZRANGE d3 0 -1 WITHSCORES");
            d.assertSameDigest();
        }
    }

    @Test
    void unionInterDiff() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x,
                    "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "SADD s y w v", "ZADD inf inf x -inf y 0 z",
                    "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 3 a b s WITHSCORES", "ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES",
                    "ZUNION 2 a b AGGREGATE MIN WITHSCORES", "ZUNION 2 a b AGGREGATE max WITHSCORES",
                    "ZUNION 2 a inf WITHSCORES", "ZUNION 2 inf inf WITHSCORES", "ZUNION 2 inf a WEIGHTS 0 1 WITHSCORES",
                    "ZUNION 1 inf WEIGHTS -1 WITHSCORES", "ZUNION 2 inf inf WEIGHTS 1 -1 WITHSCORES",
                    "ZUNION 2 a nokey WITHSCORES", "ZUNION 1 nokey", "ZUNION 1 nokey WITHSCORES",
                    "ZINTER 2 a b", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b s WITHSCORES", "ZINTER 2 a a WEIGHTS 1 2 WITHSCORES",
                    "ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE MAX WITHSCORES", "ZINTER 2 a nokey", "ZINTER 2 inf a WITHSCORES",
                    "ZINTER 2 inf inf WEIGHTS 1 -1 WITHSCORES", "ZINTER 2 s s WITHSCORES",
                    "ZDIFF 2 b a", "ZDIFF 2 b a WITHSCORES", "ZDIFF 3 b a s WITHSCORES", "ZDIFF 2 a a", "ZDIFF 1 s WITHSCORES",
                    "ZDIFF 2 nokey a", "ZDIFF 2 a nokey WITHSCORES", "ZDIFF 2 a b WEIGHTS 1 2", "ZDIFF 2 a b AGGREGATE SUM",
                    "ZINTERCARD 2 a b", "ZINTERCARD 3 a b s", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0",
                    "ZINTERCARD 2 a b LIMIT -1", "ZINTERCARD 2 a b LIMIT x", "ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 1 nokey",
                    "ZINTERCARD 0 a", "ZINTERCARD 3 a b", "ZINTERCARD x a",
                    "ZUNION 0 a", "ZUNION -1 a", "ZUNION 3 a b", "ZUNION x a", "ZUNION 2 a b WEIGHTS 1", "ZUNION 2 a b WEIGHTS 1 x",
                    "ZUNION 2 a b WEIGHTS 1 nan", "ZUNION 2 a b AGGREGATE", "ZUNION 2 a b AGGREGATE avg", "ZUNION 2 a b FOO",
                    "ZUNION 2 a b LIMIT 1", "ZINTER 2 a b WITHSCORES WITHSCORES",
                    "ZUNIONSTORE dst 2 a b", "ZRANGE dst 0 -1 WITHSCORES", "ZUNIONSTORE dst 2 a b WITHSCORES",
                    "ZINTERSTORE dst 2 a b WEIGHTS 2 3", "ZRANGE dst 0 -1 WITHSCORES", "ZINTERSTORE dst 2 a nokey", "EXISTS dst",
                    "ZDIFFSTORE dst 2 b a", "ZRANGE dst 0 -1 WITHSCORES", "ZDIFFSTORE dst 2 a a", "EXISTS dst",
                    "SET str v", "ZUNIONSTORE str 1 a", "TYPE str", "ZUNIONSTORE dst 1 str", "ZUNIONSTORE a 2 a b",
                    "ZRANGE a 0 -1 WITHSCORES", "ZINTERSTORE dst 0 a", "ZDIFFSTORE dst 0 a", "ZINTERSTORE dst 1 a LIMIT 1",
                    "ZUNIONSTORE neg 1 inf WEIGHTS 0", "ZRANGE neg 0 -1 WITHSCORES");
            x.resp3();
            run(x, "ZUNION 2 a b WITHSCORES", "ZUNION 2 a b", "ZINTER 2 a b WITHSCORES", "ZDIFF 2 b nokey WITHSCORES",
                    "ZUNION 1 nokey WITHSCORES", "ZINTERCARD 2 a b");
            d.assertSameDigest();
        }
    }

    @Test
    void popsAndBlockingPopsThatDoNotBlock() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            String[] script = {
                    "DEL z z2", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2", "ZPOPMAX z 0",
                    "ZPOPMIN z -1", "ZPOPMIN z x", "ZPOPMIN z 1 2", "ZPOPMAX nokey", "ZPOPMAX nokey 0", "ZPOPMIN z 10", "EXISTS z",
                    "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZADD z2 10 x 20 y",
                    "ZMPOP 2 nokey z MIN", "ZMPOP 2 z z2 MAX COUNT 2", "ZMPOP 1 z2 MIN COUNT 10", "ZMPOP 1 z2 MIN",
                    "ZMPOP 0 z MIN", "ZMPOP -1 z MIN", "ZMPOP x z MIN", "ZMPOP 3 z MIN", "ZMPOP 1 z", "ZMPOP 1 z FOO",
                    "ZMPOP 1 z MIN COUNT 0", "ZMPOP 1 z MIN COUNT -1", "ZMPOP 1 z MIN COUNT x", "ZMPOP 1 z MIN COUNT 1 COUNT 1",
                    "ZMPOP 1 z MIN COUNT", "ZMPOP 1 z MIN FOO 1",
                    "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "BZPOPMIN nokey z 0", "BZPOPMAX z nokey 0.5", "BZMPOP 0 2 nokey z MIN COUNT 2", "BZMPOP 1 1 z MAX",
                    "BZPOPMIN z -1", "BZPOPMIN z abc", "BZPOPMIN z inf", "BZMPOP -1 1 z MIN", "BZMPOP 0 0 z MIN",
                    "BZMPOP 0 1 z FOO", "BZMPOP 0 1 z MIN COUNT 0", "ZCARD z",
                    "BZPOPMIN nokey 0.05", "BZPOPMAX nokey nokey2 0.02", "BZMPOP 0.02 1 nokey MIN", "ZMPOP 1 nokey MAX",
            };
            run(x, script);
            x.resp3();
            run(x, script);
            d.assertSameDigest();
        }
    }

    @Test
    void zrandmemberDeterministicShapes() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            String[] script = {
                    "DEL z", "ZADD z 1 a 2 b 3 c", "ZRANDMEMBER z 3", "ZRANDMEMBER z 10 WITHSCORES", "ZRANDMEMBER z 0",
                    "ZRANDMEMBER z 0 WITHSCORES", "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER nokey -5 WITHSCORES",
                    "ZRANDMEMBER z x", "ZRANDMEMBER z 1 FOO", "ZRANDMEMBER z 1 WITHSCORES x", "ZRANDMEMBER z -9223372036854775808",
                    "ZRANDMEMBER nokey -9223372036854775808", "ZRANDMEMBER z 9223372036854775807",
                    "ZADD one 7.5 only", "ZRANDMEMBER one", "ZRANDMEMBER one 1 WITHSCORES", "ZRANDMEMBER one -3 WITHSCORES",
                    "ZRANDMEMBER one -2",
            };
            run(x, script);
            x.resp3();
            run(x, script);
            d.assertSameDigest();
        }
    }

    @Test
    void zscanOfBothEncodings() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x, "ZADD small 1 a 2 b 3 c 1152921504606846976 big -0 negz 0.1 tenth 1e20 e20",
                    "ZSCAN small 0", "ZSCAN small 0 COUNT 1", "ZSCAN small 0 MATCH b*", "ZSCAN small 0 MATCH * COUNT 100",
                    "ZSCAN small 123", "ZSCAN small -1", "ZSCAN small ''", "ZSCAN small abc", "ZSCAN small ' 0'",
                    "ZSCAN small 18446744073709551616", "ZSCAN small 18446744073709551615", "ZSCAN small +0",
                    "ZSCAN small 0 COUNT 0", "ZSCAN small 0 COUNT x", "ZSCAN small 0 TYPE zset", "ZSCAN small 0 MATCH",
                    "ZSCAN small 0 FOO bar", "ZSCAN nokey 0", "ZSCAN nokey abc", "ZSCAN nokey 0 COUNT 0");
            x.resp3();
            run(x, "ZSCAN small 0", "ZSCAN nokey 0");
            // a skiplist: walk both fully and compare what was returned, whatever the order
            List<String> args = new ArrayList<>(List.of("ZADD", "big"));
            for (int i = 0; i < 300; i++) {
                args.add(Double.toString(i * 0.5));
                args.add("member:" + i);
            }
            x.check(args.toArray(new String[0]));
            x.check("ZADD", "big", "-0", "negzero", "1152921504606846976", "huge");
            for (String pattern : new String[]{null, "member:1*"}) {
                Set<String> fromRedis = scanAll(x, false, pattern), fromMeridian = scanAll(x, true, pattern);
                assertEquals(fromRedis, fromMeridian);
                assertEquals(pattern == null ? 302 : 111, fromMeridian.size());
            }
            d.assertSameDigest();
        }
    }

    /** Every member=score pair a full ZSCAN of "big" returns, using RESP2 replies read as text. */
    private static Set<String> scanAll(ExactReplies x, boolean meridian, String pattern) {
        Set<String> out = new TreeSet<>();
        String cursor = "0";
        do {
            List<String> cmd = new ArrayList<>(List.of("ZSCAN", "big", cursor, "COUNT", "7"));
            if (pattern != null) cmd.addAll(List.of("MATCH", pattern));
            String reply = meridian ? x.meridian(cmd.toArray(new String[0])) : x.redis(cmd.toArray(new String[0]));
            List<String> bulks = bulks(reply);
            cursor = bulks.get(0);
            for (int i = 1; i + 1 < bulks.size(); i += 2) out.add(bulks.get(i) + "=" + bulks.get(i + 1));
        } while (!cursor.equals("0"));
        return out;
    }

    private static List<String> bulks(String raw) {
        List<String> out = new ArrayList<>();
        String[] lines = raw.split("\r\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("$")) out.add(lines[++i]);
        return out;
    }

    @Test
    void encodingLimitsAndBinaryMembers() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            List<String> args = new ArrayList<>(List.of("ZADD", "z"));
            for (int i = 0; i < 128; i++) {
                args.add(Integer.toString(i % 10));
                args.add("m" + i);
            }
            x.check(args.toArray(new String[0]));
            run(x, "OBJECT ENCODING z", "ZADD z 5 m128", "OBJECT ENCODING z", "ZREM z m128 m1 m2", "OBJECT ENCODING z",
                    "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 3 (5 BYSCORE REV LIMIT 3 7 WITHSCORES", "ZRANK z m55",
                    "ZREVRANK z m55", "ZCOUNT z 2 (8", "ZREMRANGEBYSCORE z 9 9", "ZCARD z",
                    "ZREMRANGEBYRANK z 0 9", "ZRANGE z 0 4 WITHSCORES",
                    "ZRANGESTORE dst z 0 -1", "OBJECT ENCODING dst", "ZRANGESTORE dst z 0 9", "OBJECT ENCODING dst",
                    "ZUNIONSTORE u 1 z", "OBJECT ENCODING u", "ZINTERSTORE u 2 z dst", "OBJECT ENCODING u",
                    "ZPOPMIN z 3", "ZPOPMAX z 3 ", "ZMPOP 1 z MAX COUNT 2");
            String long64 = "x".repeat(64), long65 = "y".repeat(65);
            run(x, "ZADD l64 1 " + long64, "OBJECT ENCODING l64", "ZADD l65 1 " + long65, "OBJECT ENCODING l65",
                    "ZADD l64 2 " + long65, "OBJECT ENCODING l64", "ZREM l64 " + long65, "OBJECT ENCODING l64",
                    "ZUNIONSTORE back 1 l64", "OBJECT ENCODING back", "ZADD sk 1 " + long65 + " -0 zero", "ZRANGE sk 0 -1 WITHSCORES",
                    "ZUNIONSTORE lp 1 sk", "ZRANGESTORE lp2 sk 0 0", "ZRANGE lp2 0 -1 WITHSCORES", "OBJECT ENCODING lp2",
                    "ZSCORE sk zero");
            byte[] k = "bin".getBytes(StandardCharsets.ISO_8859_1);
            byte[][] members = {{0}, {0, 0}, {(byte) 0xff}, {(byte) 0x80, 1}, {'a', 0, 'b'}, {}, {'A'}, {(byte) 0xfe, (byte) 0xff}};
            for (byte[] m : members) x.check("ZADD".getBytes(), k, "1".getBytes(), m);
            x.check("ZRANGE".getBytes(), k, "0".getBytes(), "-1".getBytes(), "WITHSCORES".getBytes());
            x.check("ZRANGE".getBytes(), k, new byte[]{'[', 0}, new byte[]{'(', (byte) 0xff}, "BYLEX".getBytes());
            x.check("ZSCORE".getBytes(), k, new byte[]{'a', 0, 'b'});
            x.check("ZRANK".getBytes(), k, new byte[]{(byte) 0xff});
            x.check("ZREM".getBytes(), k, new byte[]{0, 0}, new byte[]{});
            x.check("ZLEXCOUNT".getBytes(), k, "-".getBytes(), new byte[]{'[', (byte) 0x80});
            x.check("ZSCAN".getBytes(), k, "0".getBytes());
            d.assertSameDigest();
        }
    }

    private static final String[] COMMANDS = {"zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank",
            "zcount", "zlexcount", "zrange", "zrangestore", "zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex",
            "zrevrangebylex", "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zunion", "zinter", "zdiff",
            "zunionstore", "zinterstore", "zdiffstore", "zintercard", "zrandmember", "zpopmin", "zpopmax", "zmpop",
            "bzpopmin", "bzpopmax", "bzmpop", "zscan"};

    @Test
    void commandInfoAsRedis() {
        try (Differential d = new Differential()) {
            for (String name : COMMANDS) {
                List<?> redis = (List<?>) ((List<?>) d.redisClient().call("COMMAND", "INFO", name)).get(0);
                List<?> meridian = (List<?>) ((List<?>) d.meridianClient().call("COMMAND", "INFO", name)).get(0);
                assertEquals(redis, meridian, name);
                List<?> docR = (List<?>) d.redisClient().call("COMMAND", "DOCS", name);
                List<?> docM = (List<?>) d.meridianClient().call("COMMAND", "DOCS", name);
                List<?> r = (List<?>) docR.get(1), m = (List<?>) docM.get(1);
                for (String field : new String[]{"summary", "since", "group"}) {
                    assertEquals(r.get(r.indexOf(field) + 1), m.get(m.indexOf(field) + 1), name + " " + field);
                }
            }
            for (String name : new String[]{"zunionstore", "zinter", "zmpop", "bzmpop", "zrangestore"}) {
                d.check("COMMAND", "GETKEYS", name, "dst", "2", "a", "b", "MIN");
            }
            d.check("COMMAND", "GETKEYS", "zunionstore", "dst", "2", "a", "b");
            d.check("COMMAND", "GETKEYS", "zinter", "2", "a", "b", "WEIGHTS", "1", "2");
            d.check("COMMAND", "GETKEYS", "zmpop", "2", "a", "b", "MIN");
            d.check("COMMAND", "GETKEYS", "bzmpop", "0", "2", "a", "b", "MIN");
            d.check("COMMAND", "GETKEYS", "bzpopmin", "a", "b", "0");
            d.check("COMMAND", "GETKEYS", "zrangestore", "dst", "src", "0", "-1");
        }
    }

    @Test
    void encodingFollowsTheConfiguredLimits() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x, "CONFIG SET zset-max-listpack-entries 0", "ZADD zero 1 a", "OBJECT ENCODING zero",
                    "ZRANGESTORE zs zero 0 -1", "OBJECT ENCODING zs", "ZUNIONSTORE zu 1 zero", "OBJECT ENCODING zu",
                    "CONFIG SET zset-max-listpack-entries 2", "CONFIG SET zset-max-listpack-value 3", "ZADD two 1 a 2 b",
                    "OBJECT ENCODING two", "ZADD two 3 c", "OBJECT ENCODING two", "ZREM two c b", "OBJECT ENCODING two",
                    "ZADD three 1 abcd", "OBJECT ENCODING three", "ZADD three2 1 abc", "OBJECT ENCODING three2",
                    "ZUNIONSTORE u2 1 two", "OBJECT ENCODING u2", "ZUNIONSTORE u3 1 three", "OBJECT ENCODING u3",
                    "ZADD big 1 a 2 b 3 c", "ZRANGESTORE r1 big 0 1", "OBJECT ENCODING r1", "ZRANGESTORE r2 big 0 -1",
                    "OBJECT ENCODING r2", "ZRANGESTORE r3 big -inf +inf BYSCORE", "OBJECT ENCODING r3",
                    "ZRANGESTORE r4 big (1 +inf BYSCORE", "OBJECT ENCODING r4", "ZINTERSTORE i1 2 big big", "OBJECT ENCODING i1",
                    "ZDIFFSTORE df 1 big", "OBJECT ENCODING df", "ZADD negs -0 z", "ZSCORE negs z",
                    "CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 64",
                    "ZADD two 9 x", "OBJECT ENCODING two", "ZADD fresh 1 a", "OBJECT ENCODING fresh");
            d.assertSameDigest();
        }
    }

    /** Members and scores of a raw ZRANDMEMBER reply, checking its RESP2/RESP3 shape on the way. */
    private static List<String[]> randPairs(String raw, boolean withScores, boolean resp3) {
        List<String[]> out = new ArrayList<>();
        String[] lines = raw.split("\r\n");
        int i = 1;
        while (i < lines.length) {
            if (withScores && resp3) {
                assertEquals("*2", lines[i++], raw);
            }
            assertTrue(lines[i].startsWith("$"), raw);
            String member = lines[i + 1];
            i += 2;
            String score = null;
            if (withScores) {
                if (resp3) {
                    assertTrue(lines[i].startsWith(","), raw);
                    score = lines[i].substring(1);
                    i++;
                } else {
                    score = lines[i + 1];
                    i += 2;
                }
            }
            out.add(new String[]{member, score});
        }
        return out;
    }

    @Test
    void zrandmemberRandomRepliesKeepTheirPromises() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            List<String> add = new ArrayList<>(List.of("ZADD", "small"));
            List<String> addBig = new ArrayList<>(List.of("ZADD", "big"));
            for (int i = 0; i < 200; i++) {
                if (i < 10) {
                    add.add(Integer.toString(i));
                    add.add("s" + i);
                }
                addBig.add(i + ".5");
                addBig.add("b" + i);
            }
            x.check(add.toArray(new String[0]));
            x.check(addBig.toArray(new String[0]));
            for (boolean resp3 : new boolean[]{false, true}) {
                if (resp3) x.resp3();
                for (String key : new String[]{"small", "big"}) {
                    int size = key.equals("small") ? 10 : 200;
                    for (long count : new long[]{1, 3, size / 2, size - 1, -1, -5, -size * 3L}) {
                        for (boolean withScores : new boolean[]{false, true}) {
                            for (boolean meridian : new boolean[]{false, true}) {
                                String[] cmd = withScores ? new String[]{"ZRANDMEMBER", key, Long.toString(count), "WITHSCORES"}
                                        : new String[]{"ZRANDMEMBER", key, Long.toString(count)};
                                String raw = meridian ? x.meridian(cmd) : x.redis(cmd);
                                List<String[]> pairs = randPairs(raw, withScores, resp3);
                                String what = (meridian ? "meridian " : "redis ") + String.join(" ", cmd);
                                assertEquals(Math.abs(count), pairs.size(), what);
                                Set<String> distinct = new HashSet<>();
                                for (String[] p : pairs) {
                                    distinct.add(p[0]);
                                    int n = Integer.parseInt(p[0].substring(1));
                                    assertTrue(n >= 0 && n < size, what);
                                    if (withScores) {
                                        String want = key.equals("small") ? Integer.toString(n) : n + ".5";
                                        assertEquals(want, p[1], what);
                                    }
                                }
                                if (count > 0) assertEquals(pairs.size(), distinct.size(), what);
                                if (count == -size * 3L) {
                                    assertTrue(distinct.size() > size / 3, what + " draws " + distinct.size());
                                }
                            }
                        }
                    }
                }
                String one = x.meridian("ZRANDMEMBER", "small");
                assertTrue(one.startsWith("$2\r\ns"), one);
            }
            d.assertSameDigest();
        }
    }

    @Test
    void ttlsAndWatchedKeysSeeOnlyRealChanges() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            run(x, "ZADD z 1 a 2 b", "EXPIRE z 1000", "ZADD z 3 c", "ZREM z c", "ZINCRBY z 1 a", "ZPOPMIN z", "TTL z",
                    "ZADD dst 1 x", "EXPIRE dst 1000", "ZUNIONSTORE dst 1 z", "TTL dst", "EXPIRE dst 1000",
                    "ZRANGESTORE dst z 0 -1", "TTL dst", "EXPIRE dst 1000", "ZRANGESTORE dst z 5 10", "EXISTS dst",
                    // no-ops leave a WATCH alone
                    "WATCH z", "ZADD z NX 9 b", "ZADD z XX 9 nope", "ZADD z 2 b", "ZADD z GT 1 b", "ZREM z nope",
                    "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYLEX z [x [y", "ZREMRANGEBYRANK z 5 9", "ZINCRBY z 0 b",
                    "ZPOPMIN nokey", "ZMPOP 1 nokey MIN", "ZUNIONSTORE nodst 1 nokey", "ZRANGESTORE nodst2 nokey 0 -1",
                    "ZRANGE z 0 -1", "ZSCORE z b", "ZRANDMEMBER z", "ZCARD z", "MULTI", "PING", "EXEC",
                    // real changes touch it
                    "WATCH z", "ZADD z 5 b", "MULTI", "PING", "EXEC", "WATCH z", "ZREM z b", "MULTI", "PING", "EXEC",
                    "ZADD w 1 a", "WATCH w", "ZINTERSTORE w 2 w nokey", "MULTI", "PING", "EXEC", "EXISTS w",
                    "ZADD w 1 a", "WATCH w", "ZPOPMAX w", "MULTI", "PING", "EXEC");
            d.assertSameDigest();
        }
    }
}
