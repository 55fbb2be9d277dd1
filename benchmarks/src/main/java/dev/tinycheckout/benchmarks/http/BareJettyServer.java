package dev.tinycheckout.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The baseline of the Servlet mount: Jetty 12 with one core {@link Handler.Abstract} (no servlet
 * layer) answering {@link BareResponse}, on the same connector and thread pool settings as the
 * mount ({@link JettyServers}).
 */
final class BareJettyServer implements ServerUnderTest {
  private @Nullable Server server;

  @Override
  public String name() {
    return "bare Jetty 12 Handler";
  }

  @Override
  public Kind kind() {
    return Kind.JETTY;
  }

  @Override
  public boolean bare() {
    return true;
  }

  @Override
  public URI start() throws IOException {
    Server s = JettyServers.server("bare-jetty");
    s.setHandler(new FixedAnswer());
    server = s;
    return JettyServers.start(s);
  }

  @Override
  public void stop() {
    if (server != null) {
      JettyServers.stop(server);
      server = null;
    }
  }

  /** Reads the request body to its end, then writes the fixed answer. */
  private static final class FixedAnswer extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws IOException {
      Content.Source.consumeAll(request);
      int status =
          BareResponse.status(
              request.getMethod(), request.getHeaders().get(HttpHeader.IF_NONE_MATCH));
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.ETAG, BareResponse.ETAG);
      if (status == 304) {
        response.write(true, null, callback);
        return true;
      }
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, BareResponse.CONTENT_TYPE);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BareResponse.BODY.length);
      response.write(true, ByteBuffer.wrap(BareResponse.BODY), callback);
      return true;
    }
  }
}
