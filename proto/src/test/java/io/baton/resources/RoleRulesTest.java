package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.Resource;
import io.baton.proto.Scalar;
import io.baton.proto.ValueType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mesos 1.11's role rules, one accepted and one refused role per rule, through text and proto. */
class RoleRulesTest {

    @ParameterizedTest(name = "{0}: {1} accepted")
    @CsvSource(delimiter = '|', value = {
        "not empty                     | web",
        "'*' alone is unreserved       | *",
        "not '.' or '..'               | .web",
        "not '.' or '..' component     | eng/..web",
        "no leading '-'                | web-",
        "no leading '-' in a component | eng/web-1",
        "no whitespace                 | web_1",
        "no leading '/'                | eng/web",
        "no trailing '/'               | eng/web/api",
        "no '//'                       | a/b/c",
        "no '*' component              | eng/web",
    })
    void accepts(String rule, String role) {
        Resources r = Resources.parse("cpus(" + role + "):1");
        String shown = role.equals("*") ? "cpus:1" : "cpus(" + role + "):1";

        assertThat(r.toString()).as(rule).isEqualTo(shown);
        assertThat(Resources.fromProto(List.of(scalar(role)))).as(rule).isEqualTo(r);
    }

    @ParameterizedTest(name = "{0}: {1} refused")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cpus():1          | ''      | a role name must not be empty; leave out the parentheses",
        "cpus(.):1         | '.'     | a role must not be '.' or '..'",
        "cpus(..):1        | '..'    | a role must not be '.' or '..'",
        "cpus(eng/..):1    | 'eng/..' | component '..' must not be '.' or '..'",
        "cpus(-web):1      | '-web'  | a role must not start with '-'",
        "cpus(eng/-web):1  | 'eng/-web' | component '-web' must not start with '-'",
        "cpus(we b):1      | 'we b'  | a role must not contain whitespace or DEL (found U+0020 at index 2)",
        "cpus(/eng):1      | '/eng'  | a role must not start with '/'",
        "cpus(eng/):1      | 'eng/'  | a role must not end with '/'",
        "cpus(eng//web):1  | 'eng//web' | a role must not contain '//'",
        "cpus(eng/*):1     | 'eng/*' | component '*' must not be '*'",
    })
    void refusesTextNamingTheRoleAndTheRule(String text, String role, String rule) {
        assertThatThrownBy(() -> Resources.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("role " + role + " is refused by Mesos's role rules: " + rule);
    }

    @ParameterizedTest(name = "proto role {0} refused")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "eng/./web     | component '.' must not be '.' or '..'",
        "\"web\tapi\"  | a role must not contain whitespace or DEL (found U+0009 at index 3)",
        "\"web\u007f\" | a role must not contain whitespace or DEL (found U+007F at index 3)",
        "eng/-         | component '-' must not start with '-'",
    })
    void refusesProtoRolesTheSameWay(String role, String rule) {
        assertThatThrownBy(() -> Resources.fromProto(List.of(scalar(role))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(proto entry 0)")
                .hasMessageContaining("role '" + role + "' is refused by Mesos's role rules: " + rule);
    }

    @ParameterizedTest(name = "{0} refused by Baton's character set")
    @CsvSource(delimiter = '|', value = {
        "eng:web | ':' (U+003A)",
        "w*b     | '*' (U+002A)",
    })
    void mesosValidRolesOutsideTheTextCharactersAreRefusedAsBatonsRule(String role, String character) {
        assertThatThrownBy(() -> Resources.fromProto(List.of(scalar(role))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role '" + role + "' is refused: character " + character + " is not allowed;"
                        + " Baton roles use only A-Z a-z 0-9 _ . - /");
    }

    private static Resource scalar(String role) {
        return Resource.newBuilder().setName("cpus").setRole(role).setType(ValueType.SCALAR)
                .setScalar(Scalar.newBuilder().setValue(1)).build();
    }
}
