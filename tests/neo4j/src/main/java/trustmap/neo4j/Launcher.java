package trustmap.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import picocli.CommandLine;

/**
 * A real Neo4j Community DBMS for trustmap's tests: embedded, over a new temporary directory, with
 * Bolt on a free port of 127.0.0.1 only and authentication on (user neo4j, the password from the
 * first argument or NEO4J_TEST_PASSWORD, set as the initial password). When it is ready it prints one line on stdout:
 *
 * <pre>TRUSTMAP_NEO4J_READY {"uri":"bolt://127.0.0.1:PORT","version":"5.26.30"}</pre>
 *
 * It shuts down, and deletes the directory, when its stdin closes or on SIGTERM/SIGINT. It sends
 * nothing off the machine: Bolt on loopback only, no HTTP connector, no usage reports.
 *
 * <p>The page cache is 128 MiB, enough for the tests' graphs; NEO4J_PAGECACHE_MIB sets another
 * size (the benches size it as docs/operations.md says a server should be: the store's size).
 */
public final class Launcher {
  private static final String READY = "TRUSTMAP_NEO4J_READY";

  private Launcher() {}

  /** The page cache's size in MiB: NEO4J_PAGECACHE_MIB, or 128. */
  private static long pageCacheMiB() {
    String value = System.getenv("NEO4J_PAGECACHE_MIB");
    if (value == null || value.isEmpty()) return 128;
    try {
      long mib = Long.parseLong(value);
      if (mib >= 8) return mib;
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("NEO4J_PAGECACHE_MIB: not a size in MiB of at least 8: " + value);
    System.exit(2);
    return 0;
  }

  public static void main(String[] args) throws Exception {
    String password = args.length > 0 ? args[0] : System.getenv("NEO4J_TEST_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println(
          "usage: Launcher <password> (or NEO4J_TEST_PASSWORD): a password of at least 8 characters");
      System.exit(2);
    }
    // Checked before the directory is made: a bad size exits with nothing left behind.
    long pageCache = pageCacheMiB();
    long started = System.nanoTime();
    Path home = Files.createTempDirectory("trustmap-neo4j-");
    // The password, written before the DBMS first starts as `neo4j-admin dbms set-initial-password`
    // does: seconds faster than ALTER USER on a cold system database.
    int status =
        new CommandLine(
                new SetInitialPasswordCommand(
                    new ExecutionContext(
                        home,
                        home.resolve("conf"),
                        System.err,
                        System.err,
                        new DefaultFileSystemAbstraction())))
            // `--` ends the options: a password starting with '-' (base64url has it) is not one.
            .execute("--", password);
    if (status != 0) {
      System.err.println("could not set the initial password (status " + status + ")");
      System.exit(1);
    }
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
            .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            // No usage reports: a test sends nothing off this machine.
            .setConfig(GraphDatabaseSettings.udc_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCache))
            // As docker-compose.yml runs it: no files for LOAD CSV, only the listed procedures.
            .setConfig(GraphDatabaseSettings.allow_file_urls, false)
            .setConfig(
                GraphDatabaseSettings.procedure_allowlist,
                List.of("db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.*"))
            .build();

    long built = System.nanoTime();
    AtomicBoolean stopped = new AtomicBoolean(false);
    Runnable stop =
        () -> {
          if (!stopped.compareAndSet(false, true)) return;
          try {
            dbms.shutdown();
          } finally {
            deleteTree(home);
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

    GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    HostnamePort bolt =
        ((GraphDatabaseAPI) neo4j)
            .getDependencyResolver()
            .resolveDependency(ConnectorPortRegister.class)
            .getLocalAddress(ConnectorType.BOLT);
    String uri = "bolt://127.0.0.1:" + bolt.getPort();
    System.err.printf(
        "Neo4j %s: DBMS up in %d ms, Bolt address read in %d ms%n",
        Version.getNeo4jVersion(),
        (built - started) / 1_000_000,
        (System.nanoTime() - built) / 1_000_000);
    System.out.println(
        READY + " {\"uri\":\"" + uri + "\",\"version\":\"" + Version.getNeo4jVersion() + "\"}");
    System.out.flush();

    // Until stdin closes (the test process ended or closed it), then shut down and exit.
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Input is ignored.
    }
    stop.run();
    System.exit(0);
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException error)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException error) {
      System.err.println("could not delete " + root + ": " + error);
    }
  }
}
