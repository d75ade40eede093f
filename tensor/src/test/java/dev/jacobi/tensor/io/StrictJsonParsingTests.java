package dev.jacobi.tensor.io;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The header JSON parser accepts exactly RFC 8259 JSON: each value kind parses to the documented
 * Java type, quoting round-trips every string, and each kind of invalid input is rejected.
 */
class StrictJsonParsingTests {
    @Test
    void parsesEveryValueKind() {
        Object v = Json.parse(" {\"a\": [1, -0, 2.5, 1e2, 12345678901234567890, true, false, null, \"x\"], \"b\": {}} ", "t");
        assertThat(v).isEqualTo(Map.of("a", Arrays.asList(1L, 0L, 2.5, 100.0, 1.2345678901234567E19, true, false, null, "x"),
                "b", Map.of()));
        assertThat(Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", "t")).isEqualTo("\"\\/\b\f\n\r\té😀");
    }

    @Test
    void keepsKeyOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}", "t");
        assertThat(m.keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void quoteRoundTripsEveryCharacterClass() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("😀\u2028\uffff");
        assertThat(Json.parse(Json.quote(all.toString()), "t")).isEqualTo(all.toString());
    }

    @Test
    void rejectsInvalidJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "-", "1.", "1e", ".5", "+1", "'a'", "\"a", "\"\\x\"",
                "\"\\u12\"", "\"\u0001\"", "tru", "nul", "[1] 2", "{\"a\":1,\"a\":2}", "\"\\udc00\"", "NaN", "Infinity")) {
            assertThatThrownBy(() -> Json.parse(bad, "src")).as(bad)
                    .isInstanceOf(TensorFormatException.class).hasMessageStartingWith("src: header JSON: ");
        }
    }
}
