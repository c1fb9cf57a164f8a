package org.arrowroot.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark types for the Arrow types the native library hands over (already laid out for Spark:
 * unsigned integers widened, fixed-size lists as lists; see jvm/native/spark_layout.h), the same
 * mapping as the Python source's arrow_to_spark_type. Nullability follows arrowroot's: only
 * pointers to objects (TTree) and std::optional / std::unique_ptr (RNTuple) hold nulls.
 */
final class SparkTypes {
  private SparkTypes() {}

  static StructType schema(Field struct) {
    List<StructField> fields = new ArrayList<>();
    for (Field f : struct.getChildren()) fields.add(field(f));
    return DataTypes.createStructType(fields);
  }

  static StructField field(Field f) {
    return DataTypes.createStructField(f.getName(), type(f), f.isNullable());
  }

  static DataType type(Field f) {
    ArrowType t = f.getType();
    switch (t.getTypeID()) {
      case Bool:
        return DataTypes.BooleanType;
      case Int: {
        ArrowType.Int i = (ArrowType.Int) t;
        if (!i.getIsSigned()) break;
        switch (i.getBitWidth()) {
          case 8: return DataTypes.ByteType;
          case 16: return DataTypes.ShortType;
          case 32: return DataTypes.IntegerType;
          case 64: return DataTypes.LongType;
          default: break;
        }
        break;
      }
      case FloatingPoint: {
        FloatingPointPrecision p = ((ArrowType.FloatingPoint) t).getPrecision();
        if (p == FloatingPointPrecision.SINGLE) return DataTypes.FloatType;
        if (p == FloatingPointPrecision.DOUBLE) return DataTypes.DoubleType;
        break;
      }
      case Utf8:
        return DataTypes.StringType;
      case Binary:
        return DataTypes.BinaryType;
      case Null:
        return DataTypes.NullType;
      case List: {
        Field item = f.getChildren().get(0);
        return DataTypes.createArrayType(type(item), item.isNullable());
      }
      case Map: {
        Field entries = f.getChildren().get(0);
        Field key = entries.getChildren().get(0);
        Field value = entries.getChildren().get(1);
        return DataTypes.createMapType(type(key), type(value), value.isNullable());
      }
      case Struct:
        return schema(f);
      default:
        break;
    }
    throw new ArrowrootException("UnsupportedError", "column '" + f.getName() + "': no Spark type "
        + "for Arrow type " + t, false);
  }
}
