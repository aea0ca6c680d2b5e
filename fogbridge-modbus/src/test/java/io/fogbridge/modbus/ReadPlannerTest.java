package io.fogbridge.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPlannerTest {

    @Test
    void mergesTagsOfOneTableAcrossGapsUpToMaxGap() {
        List<Tag> tags = List.of(
                Tags.holding("a", 0, TagType.UINT16),
                Tags.holding("b", 1, TagType.FLOAT32), // 1-2
                Tags.holding("c", 11, TagType.INT16), // gap of 8 after b
                Tags.holding("d", 21, TagType.INT16)); // gap of 9 after c

        List<ReadRequest> plan = new ReadPlanner(8).plan(tags);

        assertThat(plan)
                .extracting(ReadRequest::toString)
                .containsExactly(
                        "FC03 holding-registers 0-11 (12 registers): a, b, c",
                        "FC03 holding-registers 21-21 (1 registers): d");
    }

    @Test
    void neverMergesAcrossTablesAndKeepsTableOrder() {
        List<Tag> tags = List.of(
                Tags.holding("h", 0, TagType.UINT16),
                Tags.of("c", Table.COILS, 1, TagType.BOOL),
                Tags.of("i", Table.INPUT_REGISTERS, 0, TagType.UINT16),
                Tags.of("d", Table.DISCRETE_INPUTS, 0, TagType.BOOL),
                Tags.of("c0", Table.COILS, 0, TagType.BOOL));

        List<ReadRequest> plan = new ReadPlanner(8).plan(tags);

        assertThat(plan)
                .extracting(r -> r.functionCode() + ":" + r.address() + "+" + r.quantity())
                .containsExactly("1:0+2", "2:0+1", "4:0+1", "3:0+1");
    }

    @Test
    void zeroGapMergesOnlyAdjacentTags() {
        List<Tag> tags = List.of(
                Tags.holding("a", 0, TagType.UINT16),
                Tags.holding("b", 1, TagType.UINT16),
                Tags.holding("c", 3, TagType.UINT16));

        assertThat(new ReadPlanner(0).plan(tags))
                .extracting(ReadRequest::quantity)
                .containsExactly(2, 1);
    }

    @Test
    void neverAsksForMoreThan125RegistersOr2000Bits() {
        List<Tag> registers = new ArrayList<>();
        List<Tag> bits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            registers.add(Tags.holding("r" + i, i * 2, TagType.FLOAT32));
        }
        for (int i = 0; i < 5000; i++) {
            bits.add(Tags.of("b" + i, Table.COILS, i, TagType.BOOL));
        }

        List<ReadRequest> registerPlan = new ReadPlanner(124).plan(registers);
        List<ReadRequest> bitPlan = new ReadPlanner(124).plan(bits);

        assertThat(registerPlan).allSatisfy(r -> assertThat(r.quantity()).isLessThanOrEqualTo(125));
        assertThat(registerPlan.stream().mapToInt(r -> r.tags().size()).sum()).isEqualTo(300);
        assertThat(registerPlan).hasSize(5); // 62 float32 fit in 124 registers; a 63rd would make 126
        assertThat(bitPlan).extracting(ReadRequest::quantity).containsExactly(2000, 2000, 1000);
    }

    @Test
    void aWideTagIsNeverCutAtTheLimit() {
        List<Tag> tags = List.of(Tags.holding("a", 0, TagType.UINT16), Tags.holding("b", 123, TagType.FLOAT64));

        List<ReadRequest> plan = new ReadPlanner(124).plan(tags);

        assertThat(plan).extracting(ReadRequest::address).containsExactly(0, 123);
        assertThat(plan.get(1).quantity()).isEqualTo(4);
    }

    @Test
    void splitGivesOneRequestPerTag() {
        ReadRequest merged = new ReadPlanner(8)
                .plan(List.of(
                        Tags.of("a", Table.INPUT_REGISTERS, 0, TagType.UINT16),
                        Tags.of("b", Table.INPUT_REGISTERS, 5, TagType.UINT32)))
                .getFirst();

        assertThat(merged.quantity()).isEqualTo(7);
        assertThat(merged.split())
                .extracting(r -> r.address() + "+" + r.quantity())
                .containsExactly("0+1", "5+2");
    }
}
