// The floor for `pgsecure test` in bench/tester: a Swift program (static standard library, like pgsecure's release
// build) that only connects through libpq, runs `select 1` and exits. What it costs above psql is the language's
// own start-up; what pgsecure costs above it is pgsecure's work.
#if canImport(Glibc)
import Glibc
#endif

let connection = PQconnectdb(CommandLine.arguments[1])
guard PQstatus(connection) == CONNECTION_OK else {
    fputs(String(cString: PQerrorMessage(connection)), stderr)
    exit(1)
}
PQclear(PQexec(connection, "select 1"))
PQfinish(connection)
