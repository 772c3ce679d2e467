package io.baton.shim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.BaseStream;
import org.junit.jupiter.api.Test;

/**
 * Every thread the shim server starts is made by the {@link ThreadFactory} given to {@code ShimServer} (or
 * by its named default in {@code ShimThreads}, the one class here that may make one otherwise). The SDK
 * holds its edges to the same rule ({@code io.baton.sdk.arch.ThreadInjectionArchTest}); the modules share no
 * test code, so the rule is written in each.
 */
class ThreadInjectionArchTest {
    static final DescribedPredicate<JavaCall<?>> MAKES_ITS_OWN_THREAD = DescribedPredicate.describe(
            "makes a thread without an injected factory (new Thread, Executors.new*, a ThreadFactory, a thread pool "
                    + "or Netty event executor group without a ThreadFactory, CompletableFuture's default async "
                    + "pool or delayer, the common pool, a parallel stream, a Timer)", ThreadInjectionArchTest::makesOwnThread);

    static boolean makesOwnThread(JavaCall<?> call) {
        JavaClass owner = call.getTargetOwner();
        String name = call.getName();
        List<JavaClass> params = call.getTarget().getRawParameterTypes();
        boolean factoryGiven = params.stream().anyMatch(p -> p.isAssignableTo(ThreadFactory.class)
                || p.isAssignableTo(ForkJoinPool.ForkJoinWorkerThreadFactory.class));
        if (call instanceof JavaConstructorCall) {
            return owner.isAssignableTo(Thread.class) || owner.isAssignableTo(ThreadFactory.class)
                    || owner.isAssignableTo(java.util.Timer.class)
                    || (owner.isAssignableTo(ThreadPoolExecutor.class) || owner.isAssignableTo(ForkJoinPool.class)
                            || owner.isAssignableTo(EventExecutorGroup.class)) && !factoryGiven;
        }
        if (owner.isEquivalentTo(Executors.class)) {
            return name.startsWith("new") || name.endsWith("ThreadFactory");
        }
        if (owner.isEquivalentTo(CompletableFuture.class)) {
            boolean executorGiven = params.stream().anyMatch(p -> p.isAssignableTo(Executor.class));
            return name.endsWith("Async") && !executorGiven || name.equals("orTimeout")
                    || name.equals("completeOnTimeout") || name.equals("delayedExecutor");
        }
        return owner.isEquivalentTo(ForkJoinPool.class) && name.equals("commonPool")
                || name.equals("parallelStream") && owner.isAssignableTo(java.util.Collection.class)
                || name.equals("parallel") && owner.isAssignableTo(BaseStream.class);
    }

    static ArchRule threadsComeFromTheServer(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .and().doNotHaveFullyQualifiedName("io.baton.shim.server.ShimThreads")
                .should().callCodeUnitWhere(MAKES_ITS_OWN_THREAD)
                .orShould().dependOnClassesThat().belongToAnyOf(GlobalEventExecutor.class)
                .because("threads are injected at the edge (ShimServer's ThreadFactory): a thread made any other way "
                        + "escapes the factory, and the server's close()");
    }

    @Test
    void theServerItsMetricsAndIsolatorsMakeThreadsOnlyFromTheInjectedFactory() {
        threadsComeFromTheServer("io.baton.shim.server..", "io.baton.shim.metrics..", "io.baton.shim.isolator..")
                .check(ArchitectureTest.SHIM);
    }

    @Test
    void theRuleCatchesThreadsMadeWithoutTheFactoryAndAllowsInjectedOnes() {
        var classes = new ClassFileImporter().importClasses(Offender.class, Injected.class);
        List<String> details = threadsComeFromTheServer("io.baton.shim.arch..").evaluate(classes).getFailureReport()
                .getDetails();
        assertThat(details).noneMatch(d -> d.contains(Injected.class.getSimpleName() + "."));
        for (String call : List.of("Thread.<init>", "Executors.newSingleThreadExecutor", "ThreadPoolExecutor.<init>",
                "CompletableFuture.runAsync", "MultiThreadIoEventLoopGroup.<init>", "GlobalEventExecutor")) {
            assertThat(details).as("a violation naming %s in %s", call, details)
                    .anyMatch(d -> d.contains(Offender.class.getSimpleName()) && d.contains(call));
        }
    }

    /** What the shim did before its threads were injected, and more (compiled, never run). */
    @SuppressWarnings("unused")
    static final class Offender {
        void all() {
            Executors.newSingleThreadExecutor(r -> new Thread(r, "shim-metrics"));
            new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
            CompletableFuture.runAsync(() -> { });
            new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            Object group = new io.netty.channel.group.DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        }
    }

    /** The same jobs with the factory handed in: allowed. */
    @SuppressWarnings("unused")
    static final class Injected {
        void all(ThreadFactory threads, Executor executor) {
            new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), threads);
            CompletableFuture.runAsync(() -> { }, executor);
            new MultiThreadIoEventLoopGroup(1, threads, EpollIoHandler.newFactory());
        }
    }
}
