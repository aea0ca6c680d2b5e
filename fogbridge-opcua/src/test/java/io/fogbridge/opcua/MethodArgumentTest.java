package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.junit.jupiter.api.Test;

class MethodArgumentTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aJsonArrayBecomesAnArrayOfTheDeclaredTypeElementByElement() throws Exception {
        Object ints = MethodCalls.argument(JSON.readTree("[1, 2, 3]"), argument(NodeIds.Int32, 1, null));
        assertThat(ints).isEqualTo(new Integer[] {1, 2, 3});
        Object shorts = MethodCalls.argument(JSON.readTree("[7]"), argument(NodeIds.UInt16, 1, UInteger.valueOf(3)));
        assertThat(shorts).isEqualTo(new UShort[] {UShort.valueOf(7)});
        assertThat(MethodCalls.argument(JSON.readTree("[]"), argument(NodeIds.Double, 1, null)))
                .isEqualTo(new Double[0]);
        // ranks that allow a scalar or an array take what the JSON is
        assertThat(MethodCalls.argument(JSON.readTree("2.5"), argument(NodeIds.Double, -3, null)))
                .isEqualTo(2.5);
        assertThat(MethodCalls.argument(JSON.readTree("[\"a\"]"), argument(NodeIds.String, -2, null)))
                .isEqualTo(new String[] {"a"});
    }

    @Test
    void whatDoesNotFitIsRefusedWithTheReason() {
        assertThatThrownBy(() -> MethodCalls.argument(JSON.readTree("[1, 1.5]"), argument(NodeIds.Int32, 1, null)))
                .hasMessageContaining("element 1")
                .hasMessageContaining("does not fit Int32");
        assertThatThrownBy(() -> MethodCalls.argument(JSON.readTree("4"), argument(NodeIds.Int32, 1, null)))
                .hasMessageContaining("expected a JSON array, got NUMBER");
        assertThatThrownBy(() -> MethodCalls.argument(JSON.readTree("[4]"), argument(NodeIds.Int32, -1, null)))
                .hasMessageContaining("expected a scalar Int32");
        assertThatThrownBy(() ->
                        MethodCalls.argument(JSON.readTree("[1, 2]"), argument(NodeIds.Int32, 1, UInteger.valueOf(1))))
                .hasMessageContaining("2 elements, the method takes at most 1");
        assertThatThrownBy(() -> MethodCalls.argument(JSON.readTree("[[1]]"), argument(NodeIds.Int32, 2, null)))
                .hasMessageContaining("2-dimensional");
    }

    static Argument argument(NodeId type, int rank, UInteger length) {
        return new Argument(
                "x", type, rank, length == null ? null : new UInteger[] {length}, LocalizedText.english("x"));
    }
}
