package dev.tinycheckout.examples.spring;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.kit.HttpContractKit;
import dev.tinycheckout.http.kit.RunningServer;
import java.net.URI;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The HTTP contract kit against the Spring Boot application on its embedded Tomcat 11: each test
 * boots {@link ShopApplication} on a free loopback port with the kit's handler as the {@link
 * ApiHandler} bean, so {@link CheckoutConfiguration} builds no API of its own and registers the
 * kit's behind the same {@code CheckoutServlet}, Spring MVC and filters as the real application. A
 * subclass supplies the database.
 */
abstract class SpringBootContractTest extends HttpContractKit {

  @Override
  protected RunningServer start(ApiHandler handler) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ShopApplication.class)
            .initializers(
                ctx ->
                    ((GenericApplicationContext) ctx)
                        .registerBean("kitHandler", ApiHandler.class, () -> handler))
            // Arguments, not builder properties: those are defaults, below application.properties.
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return new RunningServer(URI.create("http://127.0.0.1:" + port), context);
  }
}
