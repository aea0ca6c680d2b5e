package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartedStagesTest {

    @Test
    void closesNewestFirstAndLeavesOutAForgottenStage() {
        List<String> closed = new ArrayList<>();
        StartedStages stages = new StartedStages();
        stages.push(() -> closed.add("bus"));
        AutoCloseable replaced = stages.push(() -> closed.add("discovery, replaced by a live change"));
        stages.push(() -> {
            closed.add("adapters");
            throw new IllegalStateException("a stage that fails to close");
        });
        stages.push(() -> closed.add("discovery, in force"));

        stages.forget(replaced);
        stages.closeAll();

        assertThat(closed).containsExactly("discovery, in force", "adapters", "bus");
        stages.closeAll();
        assertThat(closed).as("each stage closes once").hasSize(3);
    }
}
