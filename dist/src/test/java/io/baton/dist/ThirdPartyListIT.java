package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * are right; every file of the jar that is not Baton's own comes from a listed jar; the NOTICE files of
 * listed jars are reproduced; and each line's licence has its text in the tarball, with the project's own
 * copyright notice where the licence is that notice plus conditions (MIT, BSD-3-Clause).
 */
class ThirdPartyListIT {
    /** {@code group:artifact:version   licence   text-file [text-file…]   [classifier c]}. */
    static final Pattern LINE = Pattern.compile(
            "^([\\w.-]+):([\\w.-]+):(\\S+) {2,}(\\S+) {2,}(\\S+(?: \\S+)*?)(?: {2,}classifier (\\S+))?$");
    /** What looks like an entry: a line of THIRD-PARTY.txt that starts with coordinates. */
    static final Pattern ENTRY = Pattern.compile("^[\\w.-]+:[\\w.-]+:\\S+ .*");
    static final Path REPO = Path.of(System.getProperty("baton.local.repository",
            System.getProperty("user.home") + "/.m2/repository"));
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Listed(String coordinates, String licence, List<String> texts, List<Path> jars) {
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
                assertThat(line).as("an entry of THIRD-PARTY.txt not in the form 'group:artifact:version  licence  "
                        + "text-file [text-file…]  [classifier c]' (columns apart by two spaces or more)")
                        .doesNotMatch(ENTRY);
                continue;
            }
            String g = m.group(1);
            String a = m.group(2);
            String v = m.group(3);
            Path dir = REPO.resolve(g.replace('.', '/')).resolve(a).resolve(v);
            List<Path> jars = new ArrayList<>(List.of(dir.resolve(a + "-" + v + ".jar")));
            if (m.group(6) != null) {
                jars.add(dir.resolve(a + "-" + v + "-" + m.group(6) + ".jar"));
            }
            out.add(new Listed(g + ":" + a + ":" + v, m.group(4), List.of(m.group(5).split(" ")), jars));
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
                                StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertThat(notices).as("jars with a NOTICE file").isNotEmpty();
        notices.forEach((coordinates, text) -> text.lines().map(String::strip).filter(s -> !s.isEmpty())
                .forEach(line -> assertThat(list).as("THIRD-PARTY.txt reproduces the NOTICE of %s", coordinates)
                        .contains(line)));
    }

    /**
     * Passages (whitespace collapsed) from the start, the conditions and the end of each licence's text that
     * the files an entry names must hold between them: a licence not here has no text in the tarball yet.
     */
    static final Map<String, List<String>> PASSAGES = Map.of(
            "Apache-2.0", List.of("Apache License Version 2.0, January 2004", "4. Redistribution.",
                    "END OF TERMS AND CONDITIONS"),
            "EPL-2.0", List.of("Eclipse Public License - v 2.0", "3. Requirements",
                    "Exhibit A - Form of Secondary Licenses Notice"),
            "MIT", List.of("Permission is hereby granted, free of charge, to any person obtaining a copy of this "
                    + "software", "The above copyright notice and this permission notice shall be included in all "
                    + "copies or substantial portions of the Software.", "OTHER DEALINGS IN THE SOFTWARE."),
            "BSD-3-Clause", List.of("Redistributions of source code must retain the above copyright notice",
                    "Redistributions in binary form must reproduce the above copyright notice", "Neither the name of",
                    "EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."));
    /** Licences that are the holder's copyright notice plus conditions: the project's own file is reproduced. */
    static final Set<String> OWN_NOTICE = Set.of("MIT", "BSD-3-Clause");
    static final Pattern COPYRIGHT = Pattern.compile("(?im)^\\W*copyright\\b.*\\d{4}");

    @Test
    void everyListedLicenceHasItsTextInTheTarball() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        for (Listed l : listed()) {
            named.addAll(l.texts());
            StringBuilder raw = new StringBuilder();
            int before = problems.size();
            for (String file : l.texts()) {
                Path f = home.resolve(file);
                if (!Files.isRegularFile(f) || Files.size(f) == 0) {
                    problems.add(l.coordinates() + " names " + file + ", which the tarball does not hold or is empty "
                            + "(put it in dist/src/main/dist/" + file + ")");
                } else {
                    raw.append(Files.readString(f)).append('\n');
                }
            }
            List<String> passages = PASSAGES.get(l.licence());
            if (problems.size() > before) {
                continue; // what the missing file would hold is unknown: the files first
            }
            String text = collapse(raw.toString());
            if (passages == null) {
                problems.add(l.coordinates() + ": licence " + l.licence() + " has no text known to this test; add "
                        + "the text to dist/src/main/dist/licenses/ and passages of it to ThirdPartyListIT.PASSAGES");
                continue;
            }
            passages.stream().filter(p -> !text.contains(p)).forEach(p -> problems.add(l.coordinates() + ": "
                    + l.texts() + " do not hold the " + l.licence() + " text: '" + p + "' is missing"));
            if (OWN_NOTICE.contains(l.licence())) {
                if (!COPYRIGHT.matcher(raw).find()) {
                    problems.add(l.coordinates() + ": " + l.licence() + " is the project's copyright notice plus "
                            + "conditions, but " + l.texts() + " have no 'Copyright <year> <holder>' line: reproduce "
                            + "the project's own licence file");
                }
                ownLicenceFiles(l).forEach((entry, own) -> {
                    if (!text.contains(collapse(own))) {
                        problems.add(l.coordinates() + ": its jar's " + entry + " is not reproduced in " + l.texts());
                    }
                });
            }
        }
        try (Stream<Path> files = Files.list(home.resolve("licenses"))) {
            files.map(f -> home.relativize(f).toString()).filter(f -> !f.equals("licenses/THIRD-PARTY.txt"))
                    .filter(f -> !named.contains(f)).sorted()
                    .forEach(f -> problems.add(f + " is in the tarball, but no entry of THIRD-PARTY.txt names it"));
        }
        assertThat(problems).as("licence texts of THIRD-PARTY.txt's entries").isEmpty();
    }

    /** The jar's own licence files ({@code META-INF/LICENSE}, {@code .txt}, {@code .md}) by entry name. */
    private static Map<String, String> ownLicenceFiles(Listed l) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (Path jar : l.jars().stream().filter(Files::exists).toList()) {
            try (ZipFile z = new ZipFile(jar.toFile())) {
                for (ZipEntry e : z.stream().filter(e -> e.getName().matches("(?i)META-INF/LICEN[CS]E(\\.txt|\\.md)?"))
                        .toList()) {
                    out.put(jar.getFileName() + "!" + e.getName(),
                            new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String collapse(String text) {
        return text.replaceAll("\\s+", " ").strip();
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
