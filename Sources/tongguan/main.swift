import Foundation
import TongguanServer

TongguanMain.prepareConcurrency()
exit(await TongguanMain.run())
