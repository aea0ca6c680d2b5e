package io.fogbridge.modbus;

import io.fogbridge.modbus.Tag.Access;
import io.fogbridge.modbus.Tag.ByteOrder;

/** Tags for tests, with the config's defaults. */
final class Tags {

    private Tags() {}

    static Tag of(String name, Table table, int address, TagType type) {
        return new Tag(
                name, table, address, type, 0, ByteOrder.BIG, ByteOrder.BIG, 1.0, 0.0, null, Access.READ, "default");
    }

    static Tag holding(String name, int address, TagType type) {
        return of(name, Table.HOLDING_REGISTERS, address, type);
    }

    static Tag ordered(String name, int address, TagType type, ByteOrder bytes, ByteOrder words) {
        return new Tag(
                name, Table.HOLDING_REGISTERS, address, type, 0, bytes, words, 1.0, 0.0, null, Access.READ, "default");
    }

    static Tag string(String name, int address, int count, ByteOrder bytes) {
        return new Tag(
                name,
                Table.HOLDING_REGISTERS,
                address,
                TagType.STRING,
                count,
                bytes,
                ByteOrder.BIG,
                1.0,
                0.0,
                null,
                Access.READ,
                "default");
    }

    static Tag scaled(String name, int address, TagType type, double scale, double offset) {
        return new Tag(
                name,
                Table.HOLDING_REGISTERS,
                address,
                type,
                0,
                ByteOrder.BIG,
                ByteOrder.BIG,
                scale,
                offset,
                null,
                Access.READ_WRITE,
                "default");
    }

    static Tag writable(Tag tag) {
        return new Tag(
                tag.name(),
                tag.table(),
                tag.address(),
                tag.type(),
                tag.count(),
                tag.byteOrder(),
                tag.wordOrder(),
                tag.scale(),
                tag.offset(),
                tag.unit(),
                Access.READ_WRITE,
                tag.group());
    }

    static Tag inGroup(Tag tag, String group) {
        return new Tag(
                tag.name(),
                tag.table(),
                tag.address(),
                tag.type(),
                tag.count(),
                tag.byteOrder(),
                tag.wordOrder(),
                tag.scale(),
                tag.offset(),
                tag.unit(),
                tag.access(),
                group);
    }
}
