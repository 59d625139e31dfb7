# The tutorial's client (../../../shared/seed/tutorial.txt), unchanged except that the host and
# port come from the command line (the tests run the server on a free port, not 12341).
import socket
import sys
s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
host = sys.argv[1]
port = int(sys.argv[2])
s.connect((host,port))
print(s.recv(1024).decode()) #接受TCP数据,数据以字符串形式返回,1024为最大数据量
for data in ['guoxiang','yanchendong','wangzipeng']:
    s.send(data.encode())
    print(s.recv(1024).decode())
s.send('exit'.encode())
s.close()
