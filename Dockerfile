# The callarchive image: built with Maven, run on a JRE.
#   docker build -t callarchive .
#   docker run --rm callarchive --help
# Stage 1 builds the jar and its runtime class path (no tests: CI runs them); stage 2 is a JRE, an unprivileged
# user and the jar. The image never runs an Elasticsearch of its own: give --es-url (CALLARCHIVE_ES_URL).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
# Dependencies first, so that a code change does not download them again.
RUN mvn -B -ntp -q dependency:go-offline -DexcludeTypes=zip || true
COPY index-templates index-templates
COPY src/main src/main
RUN mvn -B -ntp -q -Dmaven.test.skip=true package

FROM eclipse-temurin:21-jre
RUN useradd --system --home-dir /var/lib/callarchive --create-home --shell /usr/sbin/nologin callarchive
COPY --from=build /src/target/callarchive.jar /opt/callarchive/callarchive.jar
COPY --from=build /src/target/lib /opt/callarchive/lib
COPY ingest/sources.properties ingest/prune.properties /etc/callarchive/
ENV CALLARCHIVE_HOME=/var/lib/callarchive \
    CALLARCHIVE_JAVA_OPTS=-Xmx512m
VOLUME /var/lib/callarchive
USER callarchive
WORKDIR /var/lib/callarchive
ENTRYPOINT ["sh", "-c", "exec java $CALLARCHIVE_JAVA_OPTS -jar /opt/callarchive/callarchive.jar \"$@\"", "callarchive"]
CMD ["--help"]
