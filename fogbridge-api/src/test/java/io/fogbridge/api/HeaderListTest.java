package io.fogbridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderListTest {

    @Test
    void putReplacesInPlaceAsALinkedMapDoes() {
        HeaderList list = HeaderList.builder(2)
                .put("device_id", "d1")
                .put("gateway_id", "gw")
                .put("qos", "1")
                .put("device_id", "d2") // same name again: its value changes, its place does not
                .build();

        Map<String, String> linked = new LinkedHashMap<>();
        linked.put("device_id", "d1");
        linked.put("gateway_id", "gw");
        linked.put("qos", "1");
        linked.put("device_id", "d2");

        assertThat(List.copyOf(list.keySet())).containsExactlyElementsOf(linked.keySet());
        assertThat(List.copyOf(list.values())).containsExactlyElementsOf(linked.values());
        assertThat(list).isEqualTo(linked).hasSameHashCodeAs(linked);
        assertThat(list.get("device_id")).isEqualTo("d2");
        assertThat(list.get("absent")).isNull();
        assertThat(list.containsKey("qos")).isTrue();
        assertThat(list.name(2)).isEqualTo("qos");
        assertThat(list.value(0)).isEqualTo("d2");
    }

    @Test
    void growsPastTheExpectedSize() {
        HeaderList.Builder builder = HeaderList.builder(1);
        for (int i = 0; i < 40; i++) {
            builder.add("h" + i, Integer.toString(i));
        }
        HeaderList list = builder.build();
        assertThat(list).hasSize(40);
        assertThat(list.name(39)).isEqualTo("h39");
        assertThat(list.get("h17")).isEqualTo("17");
    }

    @Test
    void copyOfPassesAListOnAndCopiesAnyOtherMapInItsOrder() {
        HeaderList list = HeaderList.builder(1).put("a", "1").build();
        assertThat(HeaderList.copyOf(list)).isSameAs(list);

        Map<String, String> source = new LinkedHashMap<>();
        source.put("z", "26");
        source.put("a", "1");
        HeaderList copy = HeaderList.copyOf(source);
        source.put("m", "13"); // the copy does not follow its source
        assertThat(List.copyOf(copy.keySet())).containsExactly("z", "a");

        assertThat(HeaderList.copyOf(null)).isEmpty();
        assertThat(HeaderList.copyOf(new HashMap<>())).isSameAs(HeaderList.of());
    }

    @Test
    void copyOfAMapThatComparesNamesByIdentityKeepsEachNameOnce() {
        Map<String, String> byIdentity = new IdentityHashMap<>();
        byIdentity.put(new String("qos"), "0");
        byIdentity.put(new String("qos"), "1");
        HeaderList copy = HeaderList.copyOf(byIdentity);
        assertThat(copy).hasSize(1).containsKey("qos");
    }

    @Test
    void keepsNullValuesAsTheLinkedMapDid() {
        HeaderList list = HeaderList.builder(1).put("content-type", null).build();
        assertThat(list.containsKey("content-type")).isTrue();
        assertThat(list.get("content-type")).isNull();
    }

    @Test
    void cannotBeChanged() {
        HeaderList list = HeaderList.builder(1).put("a", "1").build();
        assertThatThrownBy(() -> list.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(list::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThat(list).containsExactly(Map.entry("a", "1"));
    }

    @Test
    void aBuilderIsUsedOnce() {
        HeaderList.Builder builder = HeaderList.builder(1).put("a", "1");
        builder.build();
        assertThatThrownBy(() -> builder.put("b", "2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void indexOutsideTheListFails() {
        HeaderList list = HeaderList.builder(8).put("a", "1").build();
        assertThatThrownBy(() -> list.name(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.value(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
