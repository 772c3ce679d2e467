package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text syntax: parsing, validation and canonical printing. */
class ResourcesTest {

    @Test
    void parsesScalarsRangesAndSets() {
        Resources r = Resources.parse("cpus:2;mem:1024;ports:[31000-31999,32000-32010];disks:{sda1,sda2}");

        assertThat(r.cpusMillis()).isEqualTo(2000);
        assertThat(r.scalarMillis("mem")).isEqualTo(1_024_000);
        assertThat(r.toString()).isEqualTo("cpus:2;disks:{sda1,sda2};mem:1024;ports:[31000-32010]");
        assertThat(r.names()).containsExactly("cpus", "disks", "mem", "ports");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cpus:1.5                       | cpus:1.5",
        "mem:1024.000                   | mem:1024",
        "cpus:0.001                     | cpus:0.001",
        "cpus:1.10                      | cpus:1.1",
        "cpus:0.010                     | cpus:0.01",
        "cpus:1000                      | cpus:1000",
        "cpus:1e3                       | cpus:1000",
        "cpus:+2                        | cpus:2",
        "ports:[5]                      | ports:[5-5]",
        "ports:[1-3,4-6]                | ports:[1-6]",
        "ports:[10-12,1-5,3-4,13]       | ports:[1-5,10-13]",
        "ports:[1-3,5-6]                | ports:[1-3,5-6]",
        "ports:[0-0,9223372036854775807]| ports:[0-0,9223372036854775807-9223372036854775807]",
        "ports:[9223372036854775806-9223372036854775807,9223372036854775800-9223372036854775805] "
                + "| ports:[9223372036854775800-9223372036854775807]",
        "ports:[9223372036854775800-9223372036854775807,9223372036854775801] "
                + "| ports:[9223372036854775800-9223372036854775807]",
        "disks:{sda2,sda1}              | disks:{sda1,sda2}",
        "cpus(web):1                    | cpus(web):1",
        "cpus(*):1                      | cpus:1",
        "cpus:1;cpus:0.5                | cpus:1.5",
        "ports:[1-3];ports:[2-8]        | ports:[1-8]",
        "disks:{a};disks:{b}            | disks:{a,b}",
        "cpus:1;cpus(web):2;cpus(*):1   | cpus:2;cpus(web):2",
        "mem:1;cpus(web):1;cpus:1;cpus(a):1 | cpus:1;cpus(a):1;cpus(web):1;mem:1",
        "\"  cpus ( web ) : 1 ; mem : 2 ; ports : [ 1 - 2 , 5 ] ; disks : { b , a } \" "
                + "| cpus(web):1;disks:{a,b};mem:2;ports:[1-2,5-5]",
        "cpus:1;;mem:2;                 | cpus:1;mem:2",
        "a.b/c-d_e(r.o/l-e_1):1         | a.b/c-d_e(r.o/l-e_1):1",
    })
    void printsCanonicalForm(String text, String canonical) {
        Resources r = Resources.parse(text);

        assertThat(r.toString()).isEqualTo(canonical);
        assertThat(Resources.parse(canonical)).isEqualTo(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{}", "{ }", "cpus:0", "cpus:0.000", "cpus:-0", "ports:[]", "disks:{}",
        "cpus:0;ports:[ ];disks:{ };mem(web):0", ";;"})
    void emptyInputsAndZeroEntriesGiveEmpty(String text) {
        Resources r = Resources.parse(text);

        assertThat(r.isEmpty()).isTrue();
        assertThat(r).isEqualTo(Resources.empty());
        assertThat(r.toString()).isEqualTo("{}");
        assertThat(r.names()).isEmpty();
    }

    @Test
    void fixedPointMakesPointOnePlusPointTwoEqualPointThree() {
        Resources sum = Resources.scalar("cpus", 0.1).plus(Resources.scalar("cpus", 0.2));

        assertThat(sum).isEqualTo(Resources.parse("cpus:0.3"));
        assertThat(Resources.parse("cpus:0.1;cpus:0.2")).isEqualTo(Resources.parse("cpus:0.3"));
        assertThat(sum.scalarMillis("cpus")).isEqualTo(300);
        assertThat(sum.toString()).isEqualTo("cpus:0.3");
    }

    @ParameterizedTest(name = "{0} -> {1} millis")
    @CsvSource({
        "0.0005, 1", "0.0015, 2", "1.0005, 1001", "2.0004, 2000", "2.9995, 3000", "0.00051, 1", "7.12345, 7123",
    })
    void roundsHalfAwayFromZeroFromTextAndDouble(String value, long millis) {
        assertThat(Resources.parse("cpus:" + value).cpusMillis()).isEqualTo(millis);
        assertThat(Resources.scalar("cpus", Double.parseDouble(value)).cpusMillis()).isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // input                         | fragments the message must contain (separated by &)
        "cpus:-1                         | 'cpus:-1' & -1 & negative",
        "mem:2;cpus:-0.5                 | 'cpus:-0.5' & -0.5 & negative",
        "cpus:NaN                        | cpus & NaN & finite",
        "cpus:Infinity                   | cpus & Infinity & finite",
        "cpus:-inf                       | cpus & -inf & finite",
        "cpus:0.0001                     | cpus & 0.0001 & rounds to zero",
        "cpus:0.00049                    | cpus & 0.00049 & rounds to zero",
        "cpus:1e-9                       | cpus & 1e-9 & rounds to zero",
        "cpus:1000000000000000.001       | cpus & 1000000000000000.001 & maximum",
        "cpus:1e16                       | cpus & 1e16 & maximum",
        "cpus:1.2.3                      | cpus & 1.2.3 & not a number",
        "cpus:abc                        | cpus & abc & not a number",
        "cpus:0x10                       | cpus & 0x10 & not a number",
        "cpus:1,5                        | cpus & '1,5' & not a number",
        "cpus:                           | cpus & missing",
        "cpus:600000000000000;cpus:600000000000000 | cpus & maximum",
        "ports:[5-3]                     | ports & 5-3 & begin > end",
        "ports:[-1-5]                    | ports & -1 & negative",
        "ports:[3--1]                    | ports & -1 & negative",
        "ports:[-7]                      | ports & -7 & negative",
        "ports:[1-2                      | ports & ]",
        "ports:[1-2,,3]                  | ports & empty range",
        "ports:[a-b]                     | ports & 'a' & whole number",
        "ports:[1.5]                     | ports & 1.5 & whole number",
        "ports:[99999999999999999999]    | ports & 99999999999999999999 & maximum",
        "disks:{a,a}                     | disks & 'a' & more than once",
        "disks:{a,b};disks:{c,a}         | disks & 'a' & more than once",
        "disks:{a,,b}                    | disks & empty",
        "disks:{a                        | disks & }",
        "disks:{a b}                     | disks & 'a b' & whitespace",
        "cpus:1;cpus:[1-2]               | cpus & two types",
        "cpus:1;cpus(web):{a}            | cpus & two types",
        "cpus:0;cpus:[1-2]               | cpus & two types",
        "cp us:1                         | 'cp us' & name",
        ":1                              | ':1' & name",
        "cpus(we b):1                    | cpus & 'we b' & role",
        "cpus(**):1                      | cpus & '**' & role",
        "cpus(web:1                      | 'cpus(web:1' & not closed",
        "cpus                            | 'cpus' & name:value",
        "cpus:1;mem                      | 'mem' & name:value",
    })
    void rejectsInvalidInputNamingTheEntry(String text, String fragments) {
        assertThatThrownBy(() -> Resources.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .contains(fragments.split("\\s*&\\s*"));
    }

    @Test
    void scalarFactoryValidatesLikeParse() {
        assertThat(Resources.scalar("cpus", 1.5)).isEqualTo(Resources.parse("cpus:1.5"));
        assertThat(Resources.scalar("cpus", 0)).isEqualTo(Resources.empty());
        assertThat(Resources.scalar("cpus", 1e15).scalarMillis("cpus")).isEqualTo(1_000_000_000_000_000_000L);

        assertThatThrownBy(() -> Resources.scalar("cpus", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("cpus", "-1");
        assertThatThrownBy(() -> Resources.scalar("cpus", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("cpus", "NaN");
        assertThatThrownBy(() -> Resources.scalar("mem", Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("mem", "Infinity");
        assertThatThrownBy(() -> Resources.scalar("cpus", 0.0001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("cpus", "1.0E-4", "zero");
        assertThatThrownBy(() -> Resources.scalar("cpus", 1e15 + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("cpus", "maximum");
        assertThatThrownBy(() -> Resources.scalar("bad name", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
    }

    @Test
    void ofCpusMemBuildsUnreservedScalars() {
        assertThat(Resources.ofCpusMem(0.5, 128).toString()).isEqualTo("cpus:0.5;mem:128");
        assertThat(Resources.ofCpusMem(0, 0).isEmpty()).isTrue();
        assertThat(Resources.ofCpusMem(2, 0).toString()).isEqualTo("cpus:2");
    }

    @Test
    void equalityIsOverTheCanonicalForm() {
        Resources a = Resources.parse("mem:1;ports:[1-3,4-6];cpus:1;disks:{b,a}");
        Resources b = Resources.parse("disks:{a};cpus:0.5;ports:[1-6];cpus(*):0.5;mem:1.000;disks:{b}");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(Resources.parse("cpus:1")).isNotEqualTo(Resources.parse("cpus(web):1"));
        assertThat(Resources.parse("cpus:1")).isNotEqualTo(Resources.parse("cpus:1.001"));
        assertThat(Resources.parse("ports:[1-2]")).isNotEqualTo(Resources.parse("ports:[1-3]"));
        assertThat(Resources.parse("x:{a}")).isNotEqualTo(Resources.parse("x:[1-1]"));
        assertThat(Resources.empty()).isEqualTo(Resources.parse("")).isNotEqualTo(null).isNotEqualTo("{}");
    }

    @Test
    void namesAreSortedDistinctAndUnmodifiable() {
        Resources r = Resources.parse("mem:1;cpus(web):1;cpus:1;disks:{a}");

        assertThat(r.names()).containsExactly("cpus", "disks", "mem");
        assertThatThrownBy(() -> r.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNullText() {
        assertThatThrownBy(() -> Resources.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
