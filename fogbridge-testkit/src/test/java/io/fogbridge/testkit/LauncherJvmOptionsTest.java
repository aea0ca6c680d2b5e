package io.fogbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherJvmOptionsTest {

    @Test
    void commentsAndBlankLinesAreNotOptionsAndALineMayHoldSeveral() {
        assertThat(LauncherJvmOptions.parse(List.of(
                        "# why: a heap for an edge box",
                        "-Xmx128m   # trailing comment",
                        "",
                        "   ",
                        "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                        "#-XX:+Commented")))
                .containsExactly("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    @Test
    void laterJdksGetTheirOwnFilesOnTop() {
        List<String> jdk21 = LauncherJvmOptions.forJdk(21);
        assertThat(jdk21).contains("-Xmx128m", "-XX:+UseSerialGC").doesNotContain("-XX:+UseCompactObjectHeaders");
        assertThat(jdk21).noneMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval"));
        assertThat(LauncherJvmOptions.forJdk(22))
                .startsWith(jdk21.toArray(String[]::new))
                .anyMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval"))
                .doesNotContain("-XX:+UseCompactObjectHeaders");
        assertThat(LauncherJvmOptions.forJdk(25)).contains("-XX:+UseCompactObjectHeaders");
    }
}
