package io.meridian.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker+controller) run as a child JVM
 * on 127.0.0.1 with free ports. The child uses this JVM's class path (kafka_2.13 is a dependency
 * of this module): storage is formatted with {@code kafka.tools.StorageTool format}, then the
 * broker runs {@code kafka.Kafka}. {@link #close()} stops it with SIGTERM (a clean shutdown) and
 * removes the log directory when it was a temporary one.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path logDir;
  private final boolean tempDir;
  private final int brokerPort;
  private final int controllerPort;
  private Process process;

  private EmbeddedKafka(Path logDir, boolean tempDir, int brokerPort, int controllerPort) {
    this.logDir = logDir;
    this.tempDir = tempDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  /** Starts a broker in a temporary directory; waits until it answers (up to 90 s). */
  public static EmbeddedKafka start() {
    try {
      return start(Files.createTempDirectory("meridian-kafka"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a broker keeping its data in {@code dir} (formatted when empty). */
  public static EmbeddedKafka start(Path dir) {
    return start(dir, false);
  }

  private static EmbeddedKafka start(Path dir, boolean temp) {
    EmbeddedKafka k = new EmbeddedKafka(dir, temp, freePort(), freePort());
    try {
      k.launch();
      return k;
    } catch (RuntimeException | Error e) {
      k.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:port} of the broker listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public Path logDir() {
    return logDir;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  private void launch() {
    try {
      Path data = logDir.resolve("data");
      Files.createDirectories(data);
      Path props = logDir.resolve("server.properties");
      String cfg = String.join("\n",
          "process.roles=broker,controller",
          "node.id=1",
          "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
          "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
          "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
          "controller.listener.names=CONTROLLER",
          "inter.broker.listener.name=PLAINTEXT",
          "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          "log.dirs=" + data.toAbsolutePath(),
          "num.partitions=1",
          "offsets.topic.replication.factor=1",
          "offsets.topic.num.partitions=1",
          "transaction.state.log.replication.factor=1",
          "transaction.state.log.min.isr=1",
          "transaction.state.log.num.partitions=1",
          "share.coordinator.state.topic.replication.factor=1",
          "share.coordinator.state.topic.min.isr=1",
          "group.initial.rebalance.delay.ms=0",
          "auto.create.topics.enable=false",
          "") + "\n";
      Files.writeString(props, cfg);
      boolean formatted = Files.exists(data.resolve("meta.properties"));
      if (!formatted) {
        Process fmt = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
            "-c", props.toString(), "--ignore-formatted"), logDir.resolve("format.log"));
        if (!fmt.waitFor(120, TimeUnit.SECONDS)) {
          fmt.destroyForcibly();
          throw new IllegalStateException("kafka storage format timed out");
        }
        if (fmt.exitValue() != 0) {
          throw new IllegalStateException("kafka storage format failed: " + tail(logDir.resolve("format.log")));
        }
      }
      process = java(List.of("kafka.Kafka", props.toString()), logDir.resolve("broker.log"));
      awaitReady(Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting kafka", e);
    }
  }

  private Process java(List<String> mainAndArgs, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true", "-Dlog4j2.level=WARN", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(p)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("kafka exited with " + process.exitValue() + ": "
              + tail(logDir.resolve("broker.log")));
        }
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          // keep polling
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("kafka did not start in " + timeout + ": " + tail(logDir.resolve("broker.log")));
        }
        Thread.sleep(200);
      }
    }
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the broker process and keeps its data and ports: an outage, ended by {@link #restart}. */
  public void stop() {
    stopProcess();
  }

  /** Starts a stopped broker again, on the same ports and data. */
  public void restart() {
    if (isRunning()) {
      return;
    }
    launch();
  }

  /** Stops the broker (clean shutdown, forced after 30 s) and deletes a temporary log dir. */
  @Override
  public void close() {
    stopProcess();
    if (tempDir) {
      try (Stream<Path> walk = Files.walk(logDir)) {
        walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  private void stopProcess() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }
}
