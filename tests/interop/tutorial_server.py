# -*- coding:utf-8 -*-
# The tutorial's server (../../../shared/seed/tutorial.txt) fixed for Python 3: str is encoded
# before send and the reply is formatted before it is encoded. Host and port come from the
# command line, and the port actually bound is printed (port 0 picks a free one). Its typo
# ('hello word!'), listen(5) and time.sleep(1) are kept: this is the yardstick, as written.
import socket
import sys
import threading
import time
ip = sys.argv[1]
#小于1024的端口号必须要有管理员权限。
port = int(sys.argv[2])
print(ip)
s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
#监听端口
s.bind((ip,port))
#调用listen()方法开始监听端口,传入的参数指定等待连接的最大数量
s.listen(5)
print('Please Waiting')
print(s.getsockname()[1], flush=True)
#服务器程序通过一个永久循环来接受来自客户端的连接,accept()会等待并返回一个客户端连接
#每个连接都必须创建新的线程或进程来处理,否则,单线程在处理连接的过程中无法接受其他客户端的连接。
def tcplink(sock,addr):
    print('connecton with %s:%s'%addr)
    sock.send('hello word!'.encode())
    while True:
        data = sock.recv(1024).decode()
        time.sleep(1)
        if data=='exit' or not data:
            break
        sock.send(('Hello %s'%data).encode())
    sock.close()
    print('connection from %s:%s closed'%addr)
while True:
    #accept会返回一个connect对象和一个(ip,port)
    sock,addr = s.accept()
    print('asdasda')
    t = threading.Thread(target=tcplink,args=(sock,addr))
    t.start()
