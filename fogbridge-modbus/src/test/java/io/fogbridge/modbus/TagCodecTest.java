package io.fogbridge.modbus;

import static io.fogbridge.modbus.Tag.ByteOrder.BIG;
import static io.fogbridge.modbus.Tag.ByteOrder.LITTLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Register bytes as on the wire (hex literals worked out by hand and with Python's struct), both ways. */
class TagCodecTest {

    static Stream<Arguments> wire() {
        return Stream.of(
                Arguments.of(Tags.holding("t", 0, TagType.INT16), "fb2e", -1234L),
                Arguments.of(Tags.holding("t", 0, TagType.UINT16), "d431", 54321L),
                Arguments.of(Tags.holding("t", 0, TagType.INT32), "f8a432eb", -123456789L),
                Arguments.of(Tags.holding("t", 0, TagType.UINT32), "b2d05e00", 3_000_000_000L),
                Arguments.of(Tags.holding("t", 0, TagType.INT64), "fffffee08e04fb35", -1234567890123L),
                Arguments.of(
                        Tags.holding("t", 0, TagType.UINT64),
                        "fffffffffffffd98",
                        new BigInteger("18446744073709551000")),
                Arguments.of(Tags.holding("t", 0, TagType.UINT64), "0000000000000005", 5L),
                Arguments.of(Tags.holding("t", 0, TagType.FLOAT32), "40500000", 3.25),
                Arguments.of(Tags.holding("t", 0, TagType.FLOAT64), "c2174876e8000000", -2.5e10),
                Arguments.of(Tags.ordered("t", 0, TagType.FLOAT32, BIG, LITTLE), "00004050", 3.25),
                Arguments.of(Tags.ordered("t", 0, TagType.INT32, LITTLE, BIG), "a4f8eb32", -123456789L),
                Arguments.of(Tags.ordered("t", 0, TagType.UINT32, LITTLE, LITTLE), "005ed0b2", 3_000_000_000L),
                Arguments.of(Tags.ordered("t", 0, TagType.FLOAT64, BIG, LITTLE), "0000e8004876c217", -2.5e10),
                Arguments.of(Tags.string("t", 0, 10, BIG), "4c582d33303000000000", "LX-300"),
                Arguments.of(Tags.string("t", 0, 5, LITTLE), "626164630065", "abcde"),
                Arguments.of(Tags.holding("t", 0, TagType.BOOL), "0001", true));
    }

    @ParameterizedTest
    @MethodSource("wire")
    void decodesWhatTheWireHolds(Tag tag, String hex, Object value) {
        byte[] registers = registers(hex, tag);

        assertThat(TagCodec.decode(tag, registers, 0)).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("wire")
    void encodesBackToTheSameRegisters(Tag tag, String hex, Object value) {
        Object written = value instanceof Number n ? new BigDecimal(n.toString()) : value;

        assertThat(HexFormat.of().formatHex(TagCodec.encode(tag, written)))
                .isEqualTo(HexFormat.of().formatHex(registers(hex, tag)));
    }

    @Test
    void decodesATagInsideAMergedRead() {
        byte[] read = HexFormat.of().parseHex("0000" + "0000" + "40500000");

        assertThat(TagCodec.decode(Tags.holding("t", 12, TagType.FLOAT32), read, 10))
                .isEqualTo(3.25);
    }

    @Test
    void scaleAndOffsetApplyBothWays() {
        Tag speed = Tags.scaled("speed", 0, TagType.UINT16, 0.1, -5);

        assertThat(TagCodec.decode(speed, HexFormat.of().parseHex("03e8"), 0)).isEqualTo(95.0);
        assertThat(HexFormat.of().formatHex(TagCodec.encode(speed, new BigDecimal("95.0"))))
                .isEqualTo("03e8");
    }

    @Test
    void refusesValuesThatDoNotFit() {
        assertThatThrownBy(() -> TagCodec.encode(Tags.holding("t", 0, TagType.INT16), new BigDecimal(40000)))
                .hasMessageContaining("-32768 to 32767");
        assertThatThrownBy(() -> TagCodec.encode(Tags.holding("t", 0, TagType.UINT16), new BigDecimal(-1)))
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> TagCodec.encode(Tags.holding("t", 0, TagType.INT32), new BigDecimal("1.5")))
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> TagCodec.encode(Tags.holding("t", 0, TagType.UINT16), "12"))
                .hasMessageContaining("number");
        assertThatThrownBy(() -> TagCodec.encode(Tags.string("t", 0, 4, BIG), "too long"))
                .hasMessageContaining("at most 4");
        assertThatThrownBy(() -> TagCodec.bool(Tags.of("c", Table.COILS, 0, TagType.BOOL), new BigDecimal(2)))
                .hasMessageContaining("bool");
    }

    private static byte[] registers(String hex, Tag tag) {
        byte[] registers = HexFormat.of().parseHex(hex);
        assertThat(registers).hasSize(tag.width() * 2);
        return registers;
    }
}
