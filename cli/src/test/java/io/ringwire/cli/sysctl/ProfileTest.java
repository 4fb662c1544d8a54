package io.ringwire.cli.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileTest {
    private static final Path SRC = Path.of("test.conf");

    private static Profile parse(String text) {
        return Profile.parse("test", SRC, text);
    }

    @Test
    void parsesKeysValuesCommentsAndMarkers() {
        Profile p = parse("""
                # a header comment
                ; another comment style

                # what it does
                # raise-only
                net.ipv4.tcp_rmem =  4096\t131072   6291456
                net.core.busy_read=50
                -net.core.busy_poll = 50
                # widen-only: a range
                net/ipv4/ip_local_port_range = 10000 65535

                # add-bits
                net.ipv4.tcp_fastopen = 3
                """);
        assertEquals("test", p.name());
        List<Setting> s = p.settings();
        assertEquals(5, s.size());
        assertEquals(new Setting("net.ipv4.tcp_rmem", List.of("4096", "131072", "6291456"), Rule.RAISE_ONLY, 6), s.get(0));
        assertEquals(new Setting("net.core.busy_read", List.of("50"), Rule.SET, 7), s.get(1));
        assertEquals(new Setting("net.core.busy_poll", List.of("50"), Rule.SET, 8), s.get(2), "a leading '-' is dropped");
        assertEquals(Rule.WIDEN_ONLY, s.get(3).rule());
        assertEquals("net/ipv4/ip_local_port_range", s.get(3).key());
        assertEquals(Rule.ADD_BITS, s.get(4).rule());
        assertEquals("4096 131072 6291456", s.get(0).valueText());
    }

    @Test
    void aMarkerBelongsToTheNextKeyOnly() {
        Profile p = parse("# raise-only\na.b = 1\nc.d = 2\n");
        assertEquals(Rule.RAISE_ONLY, p.settings().get(0).rule());
        assertEquals(Rule.SET, p.settings().get(1).rule());
    }

    @Test
    void wordsThatMerelyStartLikeAMarkerAreNotMarkers() {
        Profile p = parse("# raise-onlyish\n# \"# raise-only\" is explained elsewhere\n# see raise-only\na.b = 1\n");
        assertEquals(Rule.SET, p.settings().get(0).rule());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("a.b = 1\na.b = 2", "3: a.b is set twice"),
                Arguments.of("a.b = 1\na/b = 2", "3: a/b is set twice"),
                Arguments.of("just words", "2: expected 'key = value'"),
                Arguments.of("a.b =", "2: a.b has no value"),
                Arguments.of("= 5", "2: no key before '='"),
                Arguments.of("# raise-only\n\na.b = 1", "2: '# raise-only' is not followed by a key in its comment block"),
                Arguments.of("a.b = 1\n# raise-only", "3: '# raise-only' is not followed by a key"),
                Arguments.of("# raise-only\n# add-bits\na.b = 1", "3: a second marker"),
                Arguments.of("net...core = 1", "2: 'net...core' is not a sysctl key"),
                Arguments.of("../../etc/passwd = x", "2: '../../etc/passwd' is not a sysctl key"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsWhatCannotBeMeant(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("# line 1\n" + text));
        assertTrue(e.getMessage().startsWith("test.conf:"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage() + " should contain " + message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latency", "throughput", "many-connections"})
    void theShippedProfilesParseAndDocumentEveryKey(String name) throws Exception {
        Path file = shipped(name);
        Profile p = Profile.read(file);
        assertEquals(name, p.name());
        assertFalse(p.settings().isEmpty());
        List<String> lines = Files.readAllLines(file);
        for (Setting s : p.settings()) {
            String block = commentBlockAbove(lines, s.line());
            for (String required : List.of("What:", "Why:", "Default:", "Risk", "Per socket:", "Source: Documentation/")) {
                assertTrue(block.contains(required), name + ": " + s.key() + " lacks '" + required + "' in its comment");
            }
            assertTrue(block.contains(s.key()), name + ": the comment above " + s.key() + " must name it");
            assertTrue(block.matches("(?s).*Documentation/(networking/ip-sysctl\\.rst|admin-guide/sysctl/(net|fs)\\.rst).*"),
                    name + ": " + s.key() + " must cite the kernel documentation");
        }
    }

    @Test
    void theShippedProfilesMarkTheirLimitsRaiseOnly() throws Exception {
        Map<String, Rule> rules = new java.util.HashMap<>();
        for (String name : List.of("latency", "throughput", "many-connections")) {
            for (Setting s : Profile.read(shipped(name)).settings()) {
                rules.merge(s.key(), s.rule(), (a, b) -> {
                    assertEquals(a, b, s.key() + " has different rules in different profiles");
                    return a;
                });
            }
        }
        for (String limit : List.of("net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.core.netdev_max_backlog",
                "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.core.rmem_max", "net.core.wmem_max", "fs.file-max",
                "fs.nr_open")) {
            assertEquals(Rule.RAISE_ONLY, rules.get(limit), limit);
        }
        assertEquals(Rule.WIDEN_ONLY, rules.get("net.ipv4.ip_local_port_range"));
        assertEquals(Rule.ADD_BITS, rules.get("net.ipv4.tcp_fastopen"));
        for (String setting : List.of("net.ipv4.tcp_notsent_lowat", "net.ipv4.tcp_slow_start_after_idle",
                "net.ipv4.tcp_tw_reuse", "net.core.busy_read", "net.core.busy_poll")) {
            assertEquals(Rule.SET, rules.get(setting), setting);
        }
    }

    @Test
    void theIssueKeysAreInTheirProfiles() throws Exception {
        assertKeys("latency", "net.core.busy_read", "net.core.busy_poll", "net.ipv4.tcp_fastopen");
        assertKeys("throughput", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_notsent_lowat",
                "net.ipv4.tcp_slow_start_after_idle", "net.core.somaxconn", "net.core.netdev_max_backlog");
        assertKeys("many-connections", "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog",
                "net.ipv4.ip_local_port_range", "fs.file-max", "fs.nr_open", "net.ipv4.tcp_tw_reuse");
    }

    private static void assertKeys(String profile, String... keys) throws Exception {
        List<String> have = Profile.read(shipped(profile)).settings().stream().map(Setting::key).collect(Collectors.toList());
        for (String k : keys) {
            assertTrue(have.contains(k), profile + " lacks " + k + ": " + have);
        }
    }

    static Path shipped(String name) {
        return ProfileLocator.findUpwards(Path.of("")).orElseThrow().resolve(name + ".conf");
    }

    /** The comment lines directly above a 1-based line, up to the previous blank line. */
    private static String commentBlockAbove(List<String> lines, int line) {
        List<String> block = new ArrayList<>();
        for (int i = line - 2; i >= 0 && !lines.get(i).isBlank(); i--) {
            block.add(0, lines.get(i));
        }
        return String.join("\n", block);
    }
}
