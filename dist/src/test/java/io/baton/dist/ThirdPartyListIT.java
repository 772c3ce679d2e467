package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * licenses/THIRD-PARTY.txt tells the truth about the lib/baton.jar it ships with: each listed jar (found in
 * the local Maven repository by its coordinates) is in it byte for byte, class by class, so the versions
 * are right; every file of the jar that is not Baton's own comes from a listed jar; and the NOTICE files of
 * listed jars are reproduced.
 */
class ThirdPartyListIT {
    /** {@code group:artifact:version   licence   [classifier c]}. */
    static final Pattern LINE =
            Pattern.compile("^([\\w.-]+):([\\w.-]+):(\\S+) {2,}(\\S.*?)(?: {2,}classifier (\\S+))?$");
    static final Path REPO = Path.of(System.getProperty("baton.local.repository",
            System.getProperty("user.home") + "/.m2/repository"));
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Listed(String coordinates, String licence, List<Path> jars) {
    }

    @TempDir
    static Path tmp;
    static Path home;
    static String list;
    static Map<String, Long> bundled;

    @BeforeAll
    static void unpack() throws Exception {
        home = Tarball.unpack(tmp);
        list = Files.readString(home.resolve("licenses/THIRD-PARTY.txt"));
        bundled = crcs(home.resolve("lib/baton.jar"));
    }

    static List<Listed> listed() {
        List<Listed> out = new ArrayList<>();
        for (String line : list.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String g = m.group(1);
            String a = m.group(2);
            String v = m.group(3);
            Path dir = REPO.resolve(g.replace('.', '/')).resolve(a).resolve(v);
            List<Path> jars = new ArrayList<>(List.of(dir.resolve(a + "-" + v + ".jar")));
            if (m.group(5) != null) {
                jars.add(dir.resolve(a + "-" + v + "-" + m.group(5) + ".jar"));
            }
            out.add(new Listed(g + ":" + a + ":" + v, m.group(4), jars));
        }
        return out;
    }

    /** Each file entry (no directories, no module-info the shade plugin drops) and its CRC. */
    static Map<String, Long> crcs(Path jar) {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            return z.stream().filter(e -> !e.isDirectory() && !e.getName().endsWith("module-info.class"))
                    .collect(Collectors.toMap(ZipEntry::getName, ZipEntry::getCrc, (x, y) -> x));
        } catch (IOException e) {
            throw new UncheckedIOException(jar.toString(), e);
        }
    }

    @Test
    void everyListedJarIsInLibBatonJarClassForClass() {
        List<Listed> listed = listed();
        assertThat(listed).as("entries of THIRD-PARTY.txt").hasSizeGreaterThan(10).allSatisfy(l ->
                assertThat(l.licence()).as(l.coordinates()).isNotBlank());
        for (Listed l : listed) {
            for (Path jar : l.jars()) {
                assertThat(jar).as("%s is listed, but the local repository has no %s: correct the version",
                        l.coordinates(), jar.getFileName()).exists();
                Map<String, Long> own = crcs(jar);
                own.remove("META-INF/MANIFEST.MF");
                assertThat(own.keySet()).as("%s: what of it is in lib/baton.jar", jar.getFileName())
                        .containsAnyElementsOf(bundled.keySet());
                List<String> differing = own.entrySet().stream().filter(e -> e.getKey().endsWith(".class"))
                        .filter(e -> !e.getValue().equals(bundled.get(e.getKey()))).map(Map.Entry::getKey)
                        .sorted().toList();
                assertThat(differing).as("classes of %s missing from lib/baton.jar or different there (another "
                        + "version is bundled: correct THIRD-PARTY.txt)", jar.getFileName()).isEmpty();
            }
        }
    }

    @Test
    void everyFileOfLibBatonJarIsBatonsOwnOrFromAListedJar() throws IOException {
        Set<String> accounted = new TreeSet<>(batonsOwn());
        accounted.add("META-INF/MANIFEST.MF");
        // a listed jar that is not in the repository is everyListedJarIsInLibBatonJarClassForClass's to report
        listed().forEach(l -> l.jars().stream().filter(Files::exists).forEach(j -> accounted.addAll(crcs(j).keySet())));

        List<String> unaccounted = bundled.keySet().stream().filter(n -> !accounted.contains(n))
                .filter(n -> !n.startsWith("META-INF/maven/io.baton/")).sorted().toList();

        assertThat(unaccounted).as("files in lib/baton.jar that no artifact of THIRD-PARTY.txt has: add the "
                + "artifact they come from ('mvn -pl cli -am package' says 'Including g:a:v' for each)").isEmpty();
    }

    @Test
    void theNoticeFilesOfListedJarsAreReproduced() throws IOException {
        Map<String, String> notices = new HashMap<>();
        for (Listed l : listed()) {
            for (Path jar : l.jars().stream().filter(Files::exists).toList()) {
                try (ZipFile z = new ZipFile(jar.toFile())) {
                    List<? extends ZipEntry> found = z.stream()
                            .filter(e -> e.getName().matches("(?i)META-INF/NOTICE(\\.txt|\\.md)?")).toList();
                    for (ZipEntry e : found) {
                        notices.put(l.coordinates(), new String(z.getInputStream(e).readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertThat(notices).as("jars with a NOTICE file").isNotEmpty();
        notices.forEach((coordinates, text) -> text.lines().map(String::strip).filter(s -> !s.isEmpty())
                .forEach(line -> assertThat(list).as("THIRD-PARTY.txt reproduces the NOTICE of %s", coordinates)
                        .contains(line)));
    }

    /** Files of Baton's own modules, named by the jar's META-INF/maven/io.baton/baton-MODULE entries. */
    private static Set<String> batonsOwn() throws IOException {
        Set<String> modules = bundled.keySet().stream().filter(n -> n.startsWith("META-INF/maven/io.baton/baton-"))
                .map(n -> n.split("/")[3].substring("baton-".length())).collect(Collectors.toSet());
        assertThat(modules).contains("cli", "sdk", "agent-shim", "sample-executors");
        Set<String> own = new TreeSet<>();
        for (String module : modules) {
            Path classes = ROOT.resolve(module).resolve("target/classes");
            try (Stream<Path> files = Files.walk(classes)) {
                files.filter(Files::isRegularFile).forEach(f -> own.add(classes.relativize(f).toString()));
            }
        }
        return own;
    }
}
