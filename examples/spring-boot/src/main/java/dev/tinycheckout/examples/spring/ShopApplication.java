package dev.tinycheckout.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop that serves the tinycheckout checkout API from Spring Boot's embedded Tomcat, storing in
 * the application's {@code DataSource}. Run it with {@code ./mvnw -pl examples/spring-boot -am
 * spring-boot:run} or {@code java -jar examples/spring-boot/target/*.jar}; {@code
 * application.properties} lists its settings.
 */
@SpringBootApplication
public class ShopApplication {

  /** For Spring, which subclasses configuration classes. */
  public ShopApplication() {}

  /**
   * Starts the shop.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=9090} or {@code
   *     --tinycheckout.path-prefix=/shop}
   */
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }
}
