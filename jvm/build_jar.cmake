# cmake -P build_jar.cmake: compile the connector's Java sources against the Spark jars, and
# pack them with the native library and arrow-c-data (its classes and its own JNI library,
# Apache License 2.0; its LICENSE and NOTICE kept under META-INF/arrow-c-data/) into one jar.
foreach(v JAVAC JAR SPARK_JARS C_DATA_JAR SOURCE_DIR NATIVE_LIB WORK_DIR OUTPUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "build_jar.cmake: ${v} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
set(classes "${WORK_DIR}/classes")
file(MAKE_DIRECTORY "${classes}")
file(GLOB_RECURSE sources "${SOURCE_DIR}/java/*.java")
execute_process(
  COMMAND "${JAVAC}" --release 17 -encoding UTF-8 -Xlint:all,-serial,-processing,-options,-path,-classfile -Werror
          -d "${classes}" -cp "${SPARK_JARS}/*:${C_DATA_JAR}" ${sources}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "javac failed")
endif()
file(COPY "${SOURCE_DIR}/resources/" DESTINATION "${classes}")
# Without debug information: the jar travels to every executor.
set(native_dir "${classes}/org/arrowroot/spark/native/linux-x86_64")
file(MAKE_DIRECTORY "${native_dir}")
get_filename_component(native_name "${NATIVE_LIB}" NAME)
if(STRIP)
  execute_process(COMMAND "${STRIP}" --strip-debug -o "${native_dir}/${native_name}" "${NATIVE_LIB}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "strip failed")
  endif()
else()
  file(COPY "${NATIVE_LIB}" DESTINATION "${native_dir}")
endif()
set(cdata "${WORK_DIR}/arrow-c-data")
file(ARCHIVE_EXTRACT INPUT "${C_DATA_JAR}" DESTINATION "${cdata}")
file(COPY "${cdata}/org" "${cdata}/arrow_cdata_jni" DESTINATION "${classes}")
file(COPY "${cdata}/META-INF/LICENSE" "${cdata}/META-INF/NOTICE"
     DESTINATION "${classes}/META-INF/arrow-c-data")
file(REMOVE "${OUTPUT}")
execute_process(COMMAND "${JAR}" --create --file "${OUTPUT}" -C "${classes}" . RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "jar failed")
endif()
