package io.baton.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.baton.resources.Resources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ExecutorState.task_resources} was a {@code map<string, ResourceList>} until 2026-12-06 and is a list of
 * {@link HeldTask} since: peers of either version read what the other writes. The old shape is declared here as protobuf
 * declares a map (a nested entry message of key = 1 and value = 2, marked as a map entry) and read through
 * {@link DynamicMessage}, so the map's own parsing is what is checked.
 */
class HeldTaskWireTest {
    private static final ResourceList SMALL = ResourceList.newBuilder()
            .addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()).build();
    private static final ResourceList BIG = ResourceList.newBuilder()
            .addAllResources(Resources.parse("cpus:2;mem:4096;ports:[31000-31001]").toProto()).build();

    /** {@code message OldExecutorState { map<string, baton.ResourceList> task_resources = 10; }}. */
    private static Descriptor oldShape() throws Exception {
        DescriptorProto entry = DescriptorProto.newBuilder().setName("TaskResourcesEntry")
                .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                .addField(FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setType(FieldDescriptorProto.Type.TYPE_STRING))
                .addField(FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".baton.ResourceList"))
                .build();
        DescriptorProto state = DescriptorProto.newBuilder().setName("OldExecutorState").addNestedType(entry)
                .addField(FieldDescriptorProto.newBuilder().setName("task_resources").setNumber(10)
                        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                        .setTypeName(".baton.old.OldExecutorState.TaskResourcesEntry"))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("baton/old_state.proto")
                .setPackage("baton.old").setSyntax("proto3").addDependency("baton/executor.proto").addMessageType(state)
                .build();
        FileDescriptor built = FileDescriptor.buildFrom(file, new FileDescriptor[] {ExecutorProto.getDescriptor()});
        Descriptor d = built.findMessageTypeByName("OldExecutorState");
        assertThat(d.findFieldByName("task_resources").isMapField()).as("declared as protobuf declares a map").isTrue();
        return d;
    }

    @Test
    void anOldPeersMapReadsAsTheList() throws Exception {
        Descriptor old = oldShape();
        FieldDescriptor field = old.findFieldByName("task_resources");
        Descriptor entry = field.getMessageType();
        DynamicMessage.Builder b = DynamicMessage.newBuilder(old);
        for (var e : Map.of("t1", SMALL, "t2-é", BIG).entrySet()) {
            b.addRepeatedField(field, DynamicMessage.newBuilder(entry).setField(entry.findFieldByNumber(1), e.getKey())
                    .setField(entry.findFieldByNumber(2), e.getValue()).build());
        }
        ExecutorState parsed = ExecutorState.parseFrom(b.build().toByteString());

        Map<String, ResourceList> read = new LinkedHashMap<>();
        parsed.getTaskResourcesList().forEach(h -> read.put(h.getTaskId(), h.getResources()));
        assertThat(read).containsOnly(Map.entry("t1", SMALL), Map.entry("t2-é", BIG));
        assertThat(parsed.getTaskResourcesCount()).isEqualTo(2);
    }

    @Test
    void theListReadsAsAnOldPeersMap() throws Exception {
        ExecutorState now = ExecutorState.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addTaskResources(HeldTask.newBuilder().setTaskId("t1").setResources(SMALL))
                .addTaskResources(HeldTask.newBuilder().setTaskId("t2-é").setResources(BIG))
                .addTaskResources(HeldTask.newBuilder().setTaskId("t3")) // no resources: the map's default value
                .build();
        Descriptor old = oldShape();
        DynamicMessage parsed = DynamicMessage.parseFrom(old, now.toByteString());

        Map<String, ResourceList> read = new LinkedHashMap<>();
        FieldDescriptor field = old.findFieldByName("task_resources");
        for (int i = 0; i < parsed.getRepeatedFieldCount(field); i++) {
            Message e = (Message) parsed.getRepeatedField(field, i);
            Message value = (Message) e.getField(e.getDescriptorForType().findFieldByNumber(2));
            read.put((String) e.getField(e.getDescriptorForType().findFieldByNumber(1)),
                    ResourceList.parseFrom(value.toByteString()));
        }
        assertThat(read).containsExactly(Map.entry("t1", SMALL), Map.entry("t2-é", BIG),
                Map.entry("t3", ResourceList.getDefaultInstance()));
    }
}
