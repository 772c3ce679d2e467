package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.numbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per journal directory ({@link WriterLock}): a second writer, in this process or another, is refused with
 * an error naming the holder and changes nothing; readers are not; a writer killed with SIGKILL leaves no stale lock.
 */
@Tag("integration")
class WriterLockIT {
    @TempDir
    Path temp;

    private static ChronicleJournal writer(Path dir) {
        return ChronicleJournal.open(dir, JournalCrashChild.options());
    }

    @Test
    void aSecondWriterInThisProcessIsRefusedReadersAreNotAndClosingReleasesIt() {
        Path dir = temp.resolve("journal");
        long me = ProcessHandle.current().pid();
        try (ChronicleJournal first = writer(dir)) {
            first.append(numbered(1));
            assertThatThrownBy(() -> writer(dir)).isInstanceOf(JournalInUseException.class)
                    .hasMessage("journal " + dir + ": already open for writing by this process (pid " + me + ") ("
                            + "writer.lock is locked): one executor per journal directory; stop that one first, or give"
                            + " this one another work directory");
            assertThatThrownBy(() -> new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>()))
                    .isInstanceOf(JournalException.class).hasMessageContaining("already open for writing");
            try (ChronicleJournal reader = ChronicleJournal.open(dir, JournalCrashChild.options()
                    .withFoldPending(false))) {
                assertThat(Records.replayAll(reader)).containsExactly(numbered(1));
            }
            first.append(numbered(2)); // the reader's close did not take the writer's lock away
            assertThatThrownBy(() -> writer(dir)).hasMessageContaining("already open for writing");
        }
        try (ChronicleJournal next = writer(dir)) {
            assertThat(Records.replayAll(next)).containsExactly(numbered(1), numbered(2));
        }
    }

    @Test
    void aWriterHereWaitsBrieflyForAHolderHereThatIsLettingGo() throws Exception {
        Path dir = temp.resolve("journal");
        WriterLock held = WriterLock.acquire(dir);
        java.util.concurrent.CountDownLatch asking = new java.util.concurrent.CountDownLatch(1);
        Thread letGo = new Thread(() -> {
            try {
                asking.await(); // the holder's close, on another thread, once the writer below is about to ask
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        letGo.start();
        assertThat(held.held()).isTrue();
        asking.countDown();
        try (ChronicleJournal next = writer(dir)) {
            assertThat(held.held()).isFalse();
            next.append(numbered(1));
        }
        letGo.join();
    }

    @Test
    void aWriterInAnotherProcessIsNamedAndItsDeathBySigkillReleasesTheLock() throws Exception {
        Path dir = temp.resolve("journal");
        try (ChronicleJournalCrashIT.Child child = writing(dir)) {
            assertThatThrownBy(() -> writer(dir)).isInstanceOf(JournalException.class)
                    .hasMessageContaining("already open for writing by another process, pid " + child.pid())
                    .hasMessageContaining(JournalCrashChild.class.getName());
            assertThatThrownBy(() -> new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>()))
                    .hasMessageContaining("pid " + child.pid());
            child.kill();
            long lastAcked = child.acks().get(child.acks().size() - 1).sequence();
            try (ChronicleJournal next = writer(dir)) {
                List<JournalRecord> replayed = Records.replayAll(next);
                assertThat(replayed.get(replayed.size() - 1).getSequence()).isBetween(lastAcked, lastAcked + 1);
            }
        }
    }

    /** A writer in another process, appending in a loop, once it has appended 50 records. */
    private ChronicleJournalCrashIT.Child writing(Path dir) throws Exception {
        ChronicleJournalCrashIT.Child child = ChronicleJournalCrashIT.Child.start(temp, "loop", dir.toString(),
                "200000");
        try {
            child.awaitLines(lines -> lines.stream().filter(l -> l.startsWith("A ")).count() >= 50);
            return child;
        } catch (Exception | Error e) {
            child.close();
            throw e;
        }
    }

    /** Until {@code child} has appended {@code n} more records than it has acknowledged so far. */
    private static void awaitMore(ChronicleJournalCrashIT.Child child, int n) throws Exception {
        int seen = child.acks().size();
        child.awaitLines(lines -> lines.stream().filter(l -> l.startsWith("A ")).count() >= seen + n);
    }

    /** {@link WriterLock#awaitFree} on another thread; completes when it returns, with what it threw. */
    private static CompletableFuture<Void> awaitFree(Path dir) {
        return awaitFree(dir, new Thread[1]);
    }

    /** As above, the thread it runs on in {@code thread[0]}. */
    private static CompletableFuture<Void> awaitFree(Path dir, Thread[] thread) {
        CompletableFuture<Void> free = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                WriterLock.awaitFree(dir);
                free.complete(null);
            } catch (Throwable e) {
                free.completeExceptionally(e);
            }
        }, "await-free");
        t.setDaemon(true);
        thread[0] = t;
        t.start();
        return free;
    }

    /** Whether this process holds a POSIX write lock on {@code file} (/proc/locks: the kernel's own table). */
    private static boolean kernelLockHeldHere(Path file) throws IOException {
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        String me = Long.toString(ProcessHandle.current().pid());
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+"); // 1: POSIX ADVISORY WRITE pid maj:min:inode start end
            if (f.length >= 6 && f[1].equals("POSIX") && f[3].equals("WRITE") && f[4].equals(me)
                    && f[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void awaitFreeReturnsWhenAWriterInAnotherProcessIsKilledAndTakesNothing() throws Exception {
        Path dir = temp.resolve("journal");
        try (ChronicleJournalCrashIT.Child child = writing(dir)) {
            CompletableFuture<Void> free = awaitFree(dir);
            awaitMore(child, 200);
            assertThat(free).as("waiting while the writer goes on writing").isNotDone();
            child.kill();
            free.get(10, java.util.concurrent.TimeUnit.SECONDS);
            try (ChronicleJournal next = writer(dir)) { // the wait took nothing: the next writer gets the lock
                assertThat(Records.replayAll(next)).isNotEmpty();
            }
        }
    }

    @Test
    void awaitFreeWaitsForAWriterInThisProcessWhichMeanwhileIsTheOnlyOne() throws Exception {
        Path dir = temp.resolve("journal");
        CompletableFuture<Void> free;
        try (ChronicleJournal first = writer(dir)) {
            first.append(numbered(1));
            Thread[] waiting = new Thread[1];
            free = awaitFree(dir, waiting);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> waiting[0].getState() == Thread.State.WAITING);
            first.append(numbered(2));
            assertThat(free).as("waiting while this process's writer has it open").isNotDone();
            assertThat(kernelLockHeldHere(dir.resolve(WriterLock.NAME))).as("the writer's lock, still the kernel's")
                    .isTrue();
        }
        free.get(10, java.util.concurrent.TimeUnit.SECONDS);
        try (ChronicleJournal next = writer(dir)) {
            assertThat(Records.replayAll(next)).extracting(JournalRecord::getSequence).containsExactly(1L, 2L);
        }
    }

    @Test
    void anInterruptedWaitEndsWithInterruptedExceptionAndLeavesNothingHeld() throws Exception {
        Path dir = temp.resolve("journal");
        try (ChronicleJournalCrashIT.Child child = writing(dir)) {
            Thread[] waiting = new Thread[1];
            CompletableFuture<Void> free = awaitFree(dir, waiting);
            awaitMore(child, 200);
            waiting[0].interrupt();
            assertThatThrownBy(() -> free.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InterruptedException.class);
            child.kill();
        }
        try (ChronicleJournal next = writer(dir)) { // the wait's claim in this process is gone with it
            assertThat(Records.replayAll(next)).isNotEmpty();
        }
    }

    @Test
    void aRefusedWriterChangesNothingNotEvenACycleFileWithoutAHeader() throws Exception {
        Path dir = temp.resolve("journal");
        try (ChronicleJournal journal = writer(dir)) {
            for (int i = 1; i <= 5; i++) {
                journal.append(numbered(i));
            }
        }
        Path empty = OpeningJournalIT.cycleAfterLast(dir, 1); // as a live writer creating it leaves it at first
        try (WriterLock held = WriterLock.acquire(dir)) {
            Files.createFile(empty);
            Map<String, String> before = Records.files(dir);
            assertThatThrownBy(() -> new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>()))
                    .hasMessageContaining("already open for writing");
            assertThatThrownBy(() -> writer(dir)).hasMessageContaining("already open for writing");
            assertThat(Records.files(dir)).as("the live writer's files, its header-less cycle file included").isEqualTo(before);
            assertThat(held.held()).isTrue();
        }
        OpeningJournal next = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>());
        assertThat(empty).as("the writer now deletes it").doesNotExist();
        assertThat(Records.replayAll(next)).hasSize(5);
        next.close();
    }

    @Test
    void closingBeforeTheQueueOpenedWaitsForWhoeverOpensItSoTheLockIsFreeWhenCloseReturns() throws Exception {
        Path dir = temp.resolve("journal");
        CompletableFuture<Journal> opening = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch hurried = new java.util.concurrent.CountDownLatch(1);
        OpeningJournal journal = new OpeningJournal(dir, opening, hurried::countDown, true);
        WriterLock opener = journal.retainLock();
        Thread openerThread = new Thread(() -> { // as ExecutorBootstrap's opener: woken, finds it cancelled, lets go
            try {
                hurried.await(30, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(100); // still busy a moment in the journal's files
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            opener.close();
        });
        openerThread.start();
        journal.close();
        assertThat(opening).isCancelled();
        assertThat(opener.held()).as("close() waited for the opener's share").isFalse();
        assertThatThrownBy(journal::retainLock).isInstanceOf(IllegalStateException.class);
        try (ChronicleJournal next = writer(dir)) {
            next.append(numbered(1));
        }
        openerThread.join();

        // opened on time, as ExecutorBootstrap's opener hands the queue over with its share: closing the journal
        // closes the queue, then both shares, before close() returns
        CompletableFuture<Journal> opened = new CompletableFuture<>();
        OpeningJournal second = new OpeningJournal(dir, opened, () -> { }, true);
        WriterLock share = second.retainLock();
        opened.complete(share.heldBy(ChronicleJournal.open(dir, JournalCrashChild.options().withFoldPending(false))));
        assertThat(Records.replayAll(second)).containsExactly(numbered(1));
        second.append(numbered(2));
        assertThat(share.held()).isTrue();
        second.close();
        assertThat(share.held()).as("released by close() itself").isFalse();
        try (ChronicleJournal next = writer(dir)) {
            assertThat(Records.replayAll(next)).containsExactly(numbered(1), numbered(2));
        }
    }
}
