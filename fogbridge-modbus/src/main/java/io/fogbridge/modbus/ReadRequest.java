package io.fogbridge.modbus;

import java.util.List;

/**
 * One read the planner asks for: a contiguous range of one table, covering one or more tags (and the gaps between
 * them). Immutable.
 */
public record ReadRequest(Table table, int address, int quantity, List<Tag> tags) {

    public ReadRequest {
        tags = List.copyOf(tags);
    }

    public int end() {
        return address + quantity;
    }

    /** The request's function code: FC01 coils, FC02 discrete inputs, FC03 holding, FC04 input registers. */
    public int functionCode() {
        return switch (table) {
            case COILS -> 1;
            case DISCRETE_INPUTS -> 2;
            case HOLDING_REGISTERS -> 3;
            case INPUT_REGISTERS -> 4;
        };
    }

    /** One request per tag: what a merged range becomes when the device refuses it (exception 0x02). */
    public List<ReadRequest> split() {
        return tags.stream()
                .map(t -> new ReadRequest(table, t.address(), t.width(), List.of(t)))
                .toList();
    }

    @Override
    public String toString() {
        return String.format(
                "FC%02d %s %d-%d (%d %s): %s",
                functionCode(),
                table.id(),
                address,
                end() - 1,
                quantity,
                table.bits() ? "bits" : "registers",
                String.join(", ", tags.stream().map(Tag::name).toList()));
    }
}
