#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
static long long now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){int n=atoi(argv[2]);long long v[1000],mk[1000];
for(int i=0;i<n;i++){long long t0=now();if(mkdir(argv[1],0755)){perror("mkdir");return 1;}long long t1=now();if(rmdir(argv[1])){perror("rmdir");return 1;}long long t2=now();v[i]=t2-t0;mk[i]=t1-t0;usleep(200000);}
qsort(v,n,sizeof(v[0]),cmp);qsort(mk,n,sizeof(mk[0]),cmp);printf("%s: mkdir+rmdir median %lld us, mkdir %lld us\n",argv[1],v[n/2]/1000,mk[n/2]/1000);return 0;}
