package dev.tinycheckout.examples.hooks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Speaks just enough SMTP, over TLS, to take mail: with STARTTLS (offered after EHLO; mail is
 * accepted only once the connection is encrypted, as a server that requires TLS does) or as SMTPS
 * (TLS from the first byte). GreenMail 2.1.13 has SMTPS but no STARTTLS, and its certificate is a
 * JVM-wide setting that does not name 127.0.0.1; this server uses a certificate made for the test
 * by {@link #selfSigned}.
 */
final class TlsSmtpServer implements AutoCloseable {
  private static final char[] PASSWORD = "changeit".toCharArray();

  /** A mail as received, and whether the connection was encrypted when the sender was given. */
  record Mail(boolean encrypted, String from, List<String> to, String data) {}

  private final ServerSocket server;
  private final SSLContext tls;
  private final boolean implicit;
  private final BlockingQueue<Mail> mails = new LinkedBlockingQueue<>();

  TlsSmtpServer(KeyStore identity, boolean implicit) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, PASSWORD);
    this.tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    this.implicit = implicit;
    this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(this::serve, "tls-smtp");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A key store with a new self-signed certificate for the given subject alternative names (such as
   * {@code ip:127.0.0.1,dns:localhost}), made with the JDK's {@code keytool}; its password is
   * {@code changeit}.
   */
  static KeyStore selfSigned(Path dir, String names) throws Exception {
    Path file = dir.resolve("smtp-" + System.nanoTime() + ".p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "smtp",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=tinycheckout test",
                "-ext",
                "SAN=" + names,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  /** A trust store holding only the certificate of an identity such as {@link #selfSigned}'s. */
  static KeyStore trusting(KeyStore identity) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    String alias = identity.aliases().nextElement();
    trust.setCertificateEntry(alias, identity.getCertificate(alias));
    return trust;
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next mail received, waiting up to the given time; {@code null} if none came. */
  Mail poll(long millis) throws InterruptedException {
    return mails.poll(millis, TimeUnit.MILLISECONDS);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        converse(client);
      } catch (IOException e) {
        // A client that refused the certificate, or the test closed the server: next one.
      }
    }
  }

  private void converse(Socket plain) throws IOException {
    Socket socket = implicit ? encrypt(plain) : plain;
    boolean encrypted = implicit;
    BufferedReader in = reader(socket);
    OutputStream out = socket.getOutputStream();
    reply(out, "220 tls.test ESMTP");
    String from = "";
    List<String> to = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      String command = line.toUpperCase(Locale.ROOT);
      if (command.startsWith("EHLO")) {
        reply(out, encrypted ? "250 tls.test" : "250-tls.test\r\n250 STARTTLS");
      } else if (command.startsWith("STARTTLS") && !encrypted) {
        reply(out, "220 2.0.0 Ready to start TLS");
        socket = encrypt(socket);
        encrypted = true;
        in = reader(socket);
        out = socket.getOutputStream();
      } else if (!encrypted) {
        reply(out, "530 5.7.0 Must issue a STARTTLS command first");
      } else if (command.startsWith("MAIL FROM:")) {
        from = line.substring(10).trim();
        reply(out, "250 2.1.0 Ok");
      } else if (command.startsWith("RCPT TO:")) {
        to.add(line.substring(8).trim());
        reply(out, "250 2.1.5 Ok");
      } else if (command.equals("DATA")) {
        reply(out, "354 End data with <CR><LF>.<CR><LF>");
        StringBuilder data = new StringBuilder();
        String d;
        while ((d = in.readLine()) != null && !d.equals(".")) {
          data.append(d.startsWith("..") ? d.substring(1) : d).append('\n');
        }
        mails.add(new Mail(encrypted, from, List.copyOf(to), data.toString()));
        to.clear();
        reply(out, "250 2.0.0 Ok: queued");
      } else if (command.startsWith("QUIT")) {
        reply(out, "221 2.0.0 Bye");
        return;
      } else {
        reply(out, "250 2.0.0 Ok");
      }
    }
  }

  private SSLSocket encrypt(Socket socket) throws IOException {
    SSLSocket ssl =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    ssl.setUseClientMode(false);
    ssl.startHandshake();
    return ssl;
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
