// A Swift program that only connects through libpq, runs `select 1` and exits: what it costs above psql is the
// language's own start-up.
import CLibpqFloor
#if canImport(Glibc)
import Glibc
#endif

let connection = PQconnectdb(CommandLine.arguments[1])
guard PQstatus(connection) == CONNECTION_OK else { exit(1) }
PQclear(PQexec(connection, "select 1"))
PQfinish(connection)
