package io.baton.resources;

import static io.baton.resources.Resources.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** contains, plus, minus and the scalar accessors. */
class ResourcesArithmeticTest {

    @Test
    void javadocExampleHolds() {
        Resources offer = parse("cpus:4;mem:4096;ports:[31000-31999]");
        Resources task = parse("cpus:1.5;mem:1024;ports:[31000-31001]");

        assertThat(offer.contains(task)).isTrue();
        assertThat(offer.minus(task).toString()).isEqualTo("cpus:2.5;mem:3072;ports:[31002-31999]");
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cpus:2                 | cpus:2                 | true",
        "cpus:2                 | cpus:2.001             | false",
        "cpus:2;mem:10          | cpus:1                 | true",
        "cpus:2                 | cpus:1;mem:1           | false",
        "ports:[1-3,4-6]        | ports:[2-5]            | true",
        "ports:[1-3,5-6]        | ports:[2-5]            | false",
        "ports:[1-3,5-6]        | ports:[1,3,5-6]        | true",
        "ports:[1-3,5-6]        | ports:[4]              | false",
        "ports:[10-20]          | ports:[9-10]           | false",
        "ports:[10-20]          | ports:[20-21]          | false",
        "ports:[0-9223372036854775807] | ports:[9223372036854775807] | true",
        "disks:{a,b,c}          | disks:{a,c}            | true",
        "disks:{a,b}            | disks:{a,d}            | false",
        "cpus(web):1            | cpus:1                 | false",
        "cpus:1                 | cpus(web):1            | false",
        "cpus:1;cpus(web):1     | cpus:1;cpus(web):1     | true",
        "cpus:5;cpus(web):1     | cpus(web):2            | false",
        "x:1                    | x:[1-1]                | false",
        "x:[1-1]                | x:{a}                  | false",
        "cpus:1                 | \"\"                   | true",
        "\"\"                   | \"\"                   | true",
        "\"\"                   | cpus:0.001             | false",
    })
    void containsMatchesNameTypeAndRole(String offer, String request, boolean expected) {
        assertThat(parse(offer).contains(parse(request))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cpus:1.5               | cpus:0.5               | cpus:2",
        "cpus:1                 | cpus(web):1            | cpus:1;cpus(web):1",
        "ports:[1-3]            | ports:[4-6,9]          | ports:[1-6,9-9]",
        "ports:[1-5]            | ports:[3-8]            | ports:[1-8]",
        "ports:[1-2,8-9]        | ports:[0-10]           | ports:[0-10]",
        "disks:{a,b}            | disks:{b,c}            | disks:{a,b,c}",
        "mem:1                  | cpus:1                 | cpus:1;mem:1",
        "cpus:1                 | \"\"                   | cpus:1",
        "ports:[9223372036854775800-9223372036854775807] | ports:[9223372036854775801-9223372036854775802] "
                + "| ports:[9223372036854775800-9223372036854775807]",
        "ports:[9223372036854775807] | ports:[0-9223372036854775806] | ports:[0-9223372036854775807]",
    })
    void plusMerges(String a, String b, String sum) {
        assertThat(parse(a).plus(parse(b)).toString()).isEqualTo(sum);
        assertThat(parse(b).plus(parse(a)).toString()).isEqualTo(sum);
    }

    @Test
    void plusRejectsOneNameWithTwoTypesAndScalarOverflow() {
        assertThatThrownBy(() -> parse("x:1").plus(parse("x:[1-2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("x", "SCALAR", "RANGES");
        assertThatThrownBy(() -> parse("x:{a}").plus(parse("x(web):[1-2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("x(web)", "SET", "RANGES");
        Resources big = Resources.scalar("cpus", 6e14);
        assertThatThrownBy(() -> big.plus(big))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("cpus", "maximum");
    }

    @ParameterizedTest(name = "{0} - {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cpus:2;mem:10          | cpus:0.5               | cpus:1.5;mem:10",
        "cpus:2                 | cpus:2                 | {}",
        "cpus:1                 | cpus:2                 | {}",
        "cpus:1;mem:5           | cpus:1000;mem:1        | mem:4",
        "cpus:1                 | mem:1                  | cpus:1",
        "cpus:1                 | cpus(web):1            | cpus:1",
        "cpus(web):1            | cpus:1                 | cpus(web):1",
        "cpus:3;cpus(web):3     | cpus(web):1            | cpus:3;cpus(web):2",
        "x:1                    | x:[1-2]                | x:1",
        "ports:[1-10]           | ports:[3-4,6]          | ports:[1-2,5-5,7-10]",
        "ports:[1-10]           | ports:[0-1,10-12]      | ports:[2-9]",
        "ports:[1-3,5-9,11-20]  | ports:[2-12]           | ports:[1-1,13-20]",
        "ports:[1-10]           | ports:[1-10]           | {}",
        "ports:[1-10]           | ports:[20-30]          | ports:[1-10]",
        "ports:[0-9223372036854775807] | ports:[0,9223372036854775807] | ports:[1-9223372036854775806]",
        "ports:[9223372036854775800-9223372036854775807] | ports:[9223372036854775801-9223372036854775807] "
                + "| ports:[9223372036854775800-9223372036854775800]",
        "disks:{a,b,c}          | disks:{b,d}            | disks:{a,c}",
        "disks:{a}              | disks:{a}              | {}",
        "\"\"                   | cpus:1                 | {}",
        "cpus:1                 | \"\"                   | cpus:1",
    })
    void minusNeverGoesNegative(String a, String b, String difference) {
        assertThat(parse(a).minus(parse(b)).toString()).isEqualTo(difference);
    }

    @Test
    void scalarAccessorsSumOverRoles() {
        Resources r = parse("cpus:1;cpus(web):0.5;mem:1.5;mem(db):1;ports:[1-2]");

        assertThat(r.scalarMillis("cpus")).isEqualTo(1500);
        assertThat(r.cpusMillis()).isEqualTo(1500);
        assertThat(r.scalarValue("cpus")).isEqualTo(1.5);
        assertThat(r.scalarMillis("gpus")).isZero();
        assertThat(r.scalarMillis("ports")).isZero();
        assertThat(r.memBytes()).isEqualTo(2_621_440L);
    }

    @ParameterizedTest(name = "mem:{0} = {1} bytes")
    @CsvSource({"1, 1048576", "0.001, 1048", "1.5, 1572864", "1024, 1073741824", "0, 0",
        "8796093022207, 9223372036853727232", "8796093022207.999, 9223372036854774759",
        "8796093022208, 9223372036854775807", "1000000000000000, 9223372036854775807"})
    void memBytesRoundsDownAndSaturates(String mem, long bytes) {
        assertThat(parse("mem:" + mem).memBytes()).isEqualTo(bytes);
    }

    @Test
    void hundredsOfPortRangesAreSplitAndMergedExactly() {
        StringBuilder offerText = new StringBuilder("ports:[");
        StringBuilder requestText = new StringBuilder("ports:[");
        for (int i = 0; i < 500; i++) {
            offerText.append(i == 0 ? "" : ",").append(i * 10).append('-').append(i * 10 + 5);
            requestText.append(i == 0 ? "" : ",").append(i * 10 + 1).append('-').append(i * 10 + 2);
        }
        Resources offer = parse(offerText.append(']').toString());
        Resources request = parse(requestText.append(']').toString());

        // speed is measured in the bench module; here only the results of the linear merges are checked
        assertThat(offer.contains(request)).isTrue();
        assertThat(offer.minus(request).plus(request)).isEqualTo(offer);
        assertThat(request.contains(offer)).isFalse();
        assertThat(offer.minus(request).toProto().get(0).getRanges().getRangeCount()).isEqualTo(1000);
    }
}
