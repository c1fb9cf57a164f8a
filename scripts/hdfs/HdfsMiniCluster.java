// A one-DataNode HDFS (Hadoop's MiniDFSCluster) on loopback for arrowroot's tests, with WebHDFS.
// Usage: java ... HdfsMiniCluster BASE_DIR NAMENODE_HTTP_PORT(0 = any)
// Prints HDFS_RPC_PORT=... and WEBHDFS_PORT=..., then READY, and runs until killed.
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

public class HdfsMiniCluster {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, args[0]);
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.set("hadoop.security.authentication", "simple");
    conf.set("dfs.namenode.http-address", "127.0.0.1:" + args[1]);
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setInt("dfs.replication", 1);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
        .numDataNodes(1)
        .nameNodePort(0)
        .nameNodeHttpPort(Integer.parseInt(args[1]))
        .format(true)
        .build();
    cluster.waitActive();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown));
    System.out.println("HDFS_RPC_PORT=" + cluster.getNameNodePort());
    System.out.println("WEBHDFS_PORT=" + cluster.getNameNode().getHttpAddress().getPort());
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
